using IrisNet.Reference;

namespace IrisNet.Cli.Plotting;

/// <summary>How a number drawn on the computation graph stands against the reference (diff) or alone
/// (explain).</summary>
public enum GraphMark
{
    /// <summary>explain: nothing to compare with.</summary>
    Plain,

    /// <summary>The learner's quantity agrees with the reference.</summary>
    Agrees,

    /// <summary>An entry of the first quantity that differs: the reference's value is drawn beside it.</summary>
    Wrong,

    /// <summary>A quantity computed after the first difference that differs too (most likely because of it).</summary>
    Later,

    /// <summary>A quantity the first difference is computed from (its inputs in the chain rule).</summary>
    Input,

    /// <summary>Not in the learner's trace: the reference's value, in grey.</summary>
    Missing,
}

/// <summary>
/// One number on the graph: the quantity it belongs to (explain's symbol, or the trace's key such as dS)
/// and its row-major index there, its value, its mark, and for a <see cref="GraphMark.Wrong"/> entry the
/// reference's value (or, when the shapes differ, <paramref name="Note"/> says so).
/// </summary>
public sealed record GraphEntry(string Quantity, int Index, double Value, GraphMark Mark = GraphMark.Plain,
    double? Reference = null, string? Note = null);

/// <summary>
/// What the computation graph of one sample shows, independent of where it is drawn: the nodes of
/// x → z = A x + a → h = f(z) → s = B h + b → ŷ → ℓ with their values and gradients, the weights
/// (the local derivatives of the linear layers) with their gradients, and the other local derivatives
/// f′(z_i), ∂ŷ_k/∂s_j and ∂ℓ/∂ŷ_k. Built from <c>explain</c> (<see cref="GraphSheets.FromExplanation"/>) or from a
/// learner's trace and its diff (<see cref="GraphSheets.FromDiff"/>).
/// </summary>
public sealed class GraphSheet
{
    /// <summary>D, H, C, bias, activation.</summary>
    public required NetworkShape Shape { get; init; }

    /// <summary>D feature names.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>C class names.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The picture's title.</summary>
    public required string Title { get; init; }

    /// <summary>Lines under the title: which sample, which step, how to read it.</summary>
    public required IReadOnlyList<string> Header { get; init; }

    /// <summary>The loss the gradients are of: "ℓ" (one sample) or "L" (the batch mean of a trace).</summary>
    public required string Loss { get; init; }

    /// <summary>x (D), z (H), h (H), s (C), ŷ (C): the values.</summary>
    public required GraphEntry[] X { get; init; }

    /// <inheritdoc cref="X"/>
    public required GraphEntry[] Z { get; init; }

    /// <inheritdoc cref="X"/>
    public required GraphEntry[] H { get; init; }

    /// <inheritdoc cref="X"/>
    public required GraphEntry[] S { get; init; }

    /// <inheritdoc cref="X"/>
    public required GraphEntry[] Yhat { get; init; }

    /// <summary>The gradients of the loss with respect to z, h, s and ŷ; null where there is none to draw.</summary>
    public required GraphEntry?[] DZ { get; init; }

    /// <inheritdoc cref="DZ"/>
    public required GraphEntry?[] DH { get; init; }

    /// <inheritdoc cref="DZ"/>
    public required GraphEntry?[] DS { get; init; }

    /// <inheritdoc cref="DZ"/>
    public required GraphEntry?[] DYhat { get; init; }

    /// <summary>The loss node's value.</summary>
    public required GraphEntry LossValue { get; init; }

    /// <summary>A (H×D) and ∂/∂A, a and ∂/∂a (H, empty without biases), B (C×H) and ∂/∂B, b and ∂/∂b (C, or
    /// empty).</summary>
    public required GraphEntry[] A { get; init; }

    /// <inheritdoc cref="A"/>
    public required GraphEntry?[] DA { get; init; }

    /// <inheritdoc cref="A"/>
    public required GraphEntry[] HiddenBias { get; init; }

    /// <inheritdoc cref="A"/>
    public required GraphEntry?[] DHiddenBias { get; init; }

    /// <inheritdoc cref="A"/>
    public required GraphEntry[] B { get; init; }

    /// <inheritdoc cref="A"/>
    public required GraphEntry?[] DB { get; init; }

    /// <inheritdoc cref="A"/>
    public required GraphEntry[] OutputBias { get; init; }

    /// <inheritdoc cref="A"/>
    public required GraphEntry?[] DOutputBias { get; init; }

    /// <summary>The one-hot label y (C), each entry marked like the quantity Y of a trace.</summary>
    public required GraphEntry[] Y { get; init; }

    /// <summary>f′(z_i) (Eq. 13), the local derivative on z_i → h_i.</summary>
    public required double[] FPrime { get; init; }

    /// <summary>
    /// diff: the factor the learner's own numbers put on z_i → h_i, their ∂L/∂z_i over their ∂L/∂h_i, where
    /// their ∂L/∂z_i is the first difference (null elsewhere, or empty): what their code used for f′(z_i).
    /// </summary>
    public double?[] FPrimeTheirs { get; init; } = [];

    /// <summary>∂ŷ_k/∂s_j = ŷ_k(δ_kj − ŷ_j) (Eq. 6), row-major C×C: row k, column j.</summary>
    public required double[] Jacobian { get; init; }

    /// <summary>∂ℓ/∂ŷ_k = −y_k/ŷ_k (Eq. 5), the local derivative on ŷ_k → ℓ.</summary>
    public required double[] LossFactor { get; init; }

    /// <summary>Status chips under the graph (the update of a trace step), each with its mark.</summary>
    public IReadOnlyList<(string Text, GraphMark Mark)> Chips { get; init; } = [];

    /// <summary>Lines under the graph: what the first difference is, what it is computed from.</summary>
    public IReadOnlyList<string> Footer { get; init; } = [];

    /// <summary>Every entry drawn, with the part of the graph it is drawn in.</summary>
    public IEnumerable<GraphEntry> Entries() =>
        new IEnumerable<GraphEntry?>[] { X, Z, H, S, Yhat, DZ, DH, DS, DYhat, [LossValue], A, DA, HiddenBias,
            DHiddenBias, B, DB, OutputBias, DOutputBias, Y }
            .SelectMany(e => e).OfType<GraphEntry>();
}
