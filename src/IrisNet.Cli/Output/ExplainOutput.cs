using System.Text.Json.Serialization;
using IrisNet.Data;
using IrisNet.Explain;
using IrisNet.Reference;

namespace IrisNet.Cli.Output;

/// <summary>
/// <c>irisnet explain --json</c>, written through <see cref="CliJsonContext"/>: the same content as the
/// tables. A number that is not finite (∂ℓ/∂ŷ of a probability that rounded to 0, or any value of a
/// model whose finite weights overflow, such as 1e300) is null, since JSON has no infinity, and
/// <c>not_finite</c> then names every value that holds one. A null member is not written, except
/// "data", which is null for rows not read from a file.
/// </summary>
public sealed record ExplainOutput(int Sample,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Data, string Class,
    ExplainOutput.ShapeBlock Shape, double? Loss,
    IReadOnlyList<ExplainOutput.QuantityBlock> Forward, IReadOnlyList<ExplainOutput.QuantityBlock> Backward,
    IReadOnlyList<ExplainOutput.QuantityBlock> DiagonalOnlyShortcut, ExplainOutput.StepBlock TrainingStep,
    IReadOnlyList<string>? NotFinite)
{
    /// <summary>The output for sample <paramref name="sample"/> (1-based) of <paramref name="rows"/>.</summary>
    public static ExplainOutput From(Explanation e, int sample, Dataset rows)
    {
        var notFinite = new List<string>();
        double? Finite(double v, string name)
        {
            if (double.IsFinite(v)) return v;
            notFinite.Add(name);
            return null;
        }
        QuantityBlock[] Blocks(IEnumerable<Quantity> quantities, string section, string? estimate) =>
            quantities.Select(q => QuantityBlock.From(q, estimate, $"{section} ({q.Equation}) {q.Symbol}",
                notFinite)).ToArray();

        double? loss = Finite(e.Loss, "loss");
        QuantityBlock[] forward = Blocks(e.Forward, "forward", null);
        QuantityBlock[] backward = Blocks(e.Backward, "backward", "finite_difference");
        QuantityBlock[] shortcut = Blocks(e.Shortcut, "diagonal_only_shortcut", "correct");
        var step = new StepBlock(e.Step.Rule, e.Step.LearningRate, e.Step.Momentum, e.Step.L2,
            Finite(e.Step.LossBefore, "training_step loss_before"), Finite(e.Step.LossAfter,
                "training_step loss_after"),
            Blocks(e.Step.Quantities, "training_step", null));
        return new(sample, rows.Source, rows.ClassNames[e.Label],
            new ShapeBlock(e.Shape.D, e.Shape.H, e.Shape.C, e.Shape.Bias, e.Shape.Activation),
            loss, forward, backward, shortcut, step, notFinite.Count > 0 ? notFinite : null);
    }

    /// <summary>D, H, C as the derivation writes them, biases and activation.</summary>
    public sealed record ShapeBlock([property: JsonPropertyName("D")] int D, [property: JsonPropertyName("H")] int H,
        [property: JsonPropertyName("C")] int C, bool Bias, Activation Activation);

    /// <summary>η, μ, λ, the loss before and after the step, and each parameter's gradient, velocity and
    /// update.</summary>
    public sealed record StepBlock(string Rule, double LearningRate, double Momentum, double L2, double? LossBefore,
        double? LossAfter,
        IReadOnlyList<QuantityBlock> Quantities);

    /// <summary>
    /// One quantity: its equation, symbol, labels and value (rows of numbers), and, when it has an
    /// estimate, that estimate under <c>finite_difference</c> (backward pass) or <c>correct</c> (the
    /// diagonal-only shortcut), with the largest difference, the method and per-entry notes.
    /// </summary>
    public sealed record QuantityBlock(int Equation, string Symbol, int Rows, int Cols, IReadOnlyList<string> RowLabels,
        IReadOnlyList<string> ColLabels, double?[][] Value)
    {
        public double?[][]? FiniteDifference { get; init; }

        public double?[][]? Correct { get; init; }

        public double? MaxAbsDifference { get; init; }

        public string? Method { get; init; }

        public IReadOnlyList<EntryNote>? Notes { get; init; }

        /// <summary>
        /// <paramref name="q"/>, its estimate (if any) under the field <paramref name="estimate"/>; adds
        /// <paramref name="name"/> to <paramref name="notFinite"/> (with what of it) when a number is not finite.
        /// </summary>
        public static QuantityBlock From(Quantity q, string? estimate, string name, List<string> notFinite)
        {
            var block = new QuantityBlock(q.Equation, q.Symbol, q.Rows, q.Cols, q.RowLabels, q.ColLabels,
                Matrix(q.Value, q.Rows, q.Cols));
            if (!q.Value.All(double.IsFinite)) notFinite.Add(name);
            if (q.Numeric is null || estimate is null) return block;
            double?[][] numeric = Matrix(q.Numeric, q.Rows, q.Cols);
            if (!q.Numeric.All(double.IsFinite)) notFinite.Add($"{name} {estimate}");
            if (!double.IsFinite(q.MaxAbsDifference)) notFinite.Add($"{name} max_abs_difference");
            var notes = new List<EntryNote>();
            for (int i = 0; i < q.Value.Length; i++)
            {
                if (q.Notes?[i] is string note) notes.Add(new EntryNote(i / q.Cols, i % q.Cols, note));
            }
            return block with
            {
                FiniteDifference = estimate == "finite_difference" ? numeric : null,
                Correct = estimate == "correct" ? numeric : null,
                MaxAbsDifference = double.IsFinite(q.MaxAbsDifference) ? q.MaxAbsDifference : null,
                Method = q.Method,
                Notes = notes.Count > 0 ? notes : null,
            };
        }

        private static double?[][] Matrix(double[] values, int rows, int cols)
        {
            var m = new double?[rows][];
            for (int r = 0; r < rows; r++)
            {
                m[r] = new double?[cols];
                for (int c = 0; c < cols; c++)
                {
                    double v = values[r * cols + c];
                    m[r][c] = double.IsFinite(v) ? v : null;
                }
            }
            return m;
        }
    }

    /// <summary>Why the estimate of entry (row, col) is not a fair check.</summary>
    public sealed record EntryNote(int Row, int Col, string Note);
}
