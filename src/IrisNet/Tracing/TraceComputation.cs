using IrisNet.Reference;
using IrisNet.Training;

namespace IrisNet.Tracing;

/// <summary>
/// The documented network's training steps, sample-major and in float64, with every intermediate kept: the
/// batch reference (<see cref="ReferenceNetwork"/>, built from <see cref="Equations"/>) and the update
/// (<see cref="GradientDescent"/>), run step by step, each quantity recorded under its name and equation
/// number. A <see cref="Mistake"/> runs the same passes with the one equation it gets wrong swapped in
/// (<see cref="MistakeCatalogue.EquationsOf"/>, <see cref="MistakeCatalogue.UpdateOf"/>).
/// </summary>
public static class TraceComputation
{
    /// <summary>Every quantity a step can hold, in the order it is computed, with its equation number.</summary>
    public static IReadOnlyList<(string Name, int Equation)> Order { get; } =
    [
        ("X", 1), ("Y", 5), ("Z", 1), ("H", 2), ("S", 3), ("Yhat", 4), ("L", 5),
        ("dS", 7), ("dB", 8), ("db", 12), ("dH", 9), ("dZ", 10), ("dA", 11), ("da", 12),
        ("gA", 15), ("ga", 15), ("gB", 15), ("gb", 15),
        ("vA", 16), ("va", 16), ("vB", 16), ("vb", 16),
        ("A_after", 16), ("a_after", 16), ("B_after", 16), ("b_after", 16),
    ];

    /// <summary>The equation number of the quantity called <paramref name="name"/>.</summary>
    public static int EquationOf(string name) => Order.First(q => q.Name == name).Equation;

    /// <summary>
    /// Runs one step per entry of <paramref name="batches"/> from <paramref name="start"/>, carrying the
    /// weights and the momentum velocities (0 at the start) from step to step.
    /// </summary>
    /// <param name="start">The weights before the first step (a and b null without biases).</param>
    /// <param name="X">The network inputs, N rows of D numbers (already standardized).</param>
    /// <param name="labels">The class index of each row, in [0, C).</param>
    /// <param name="settings">Activation, η, μ and λ.</param>
    /// <param name="batches">For each step, the row indices of its batch, in order.</param>
    /// <param name="mistake">The variant to compute; <see cref="Mistake.None"/> for the reference.</param>
    /// <returns>
    /// The steps. A variant whose shapes do not fit stops: its last step ends after the forward pass when its
    /// backward pass cannot be computed (B transposed with H ≠ C), after the backward pass when the update
    /// cannot be (bias gradients of the wrong length).
    /// </returns>
    public static IReadOnlyList<TraceStep> Run(InitialWeights start, double[][] X, int[] labels, TraceSettings settings,
        IReadOnlyList<int[]> batches, Mistake mistake = Mistake.None)
    {
        Equations e = MistakeCatalogue.EquationsOf(mistake);
        var (f, eta, mu, lambda) = settings;
        GradientDescent update = MistakeCatalogue.UpdateOf(mistake, eta, mu, lambda);
        Parameters w = start.ToParameters(), v = w.Zero();
        var steps = new List<TraceStep>(batches.Count);
        for (int k = 0; k < batches.Count; k++)
        {
            var q = new List<TraceTensor>(Order.Count);
            bool complete = Step(ref w, ref v, X, labels, batches[k], f, e, update, mistake != Mistake.None, q);
            steps.Add(new TraceStep(k + 1, (int[])batches[k].Clone(), q));
            if (!complete) break;
        }
        return steps;
    }

    // One step on the rows of batch: forward (1)–(5), backward (7)–(12), update (15)–(16), each recorded in q.
    private static bool Step(ref Parameters w, ref Parameters v, double[][] X, int[] labels, int[] batch, Activation f,
        Equations e, GradientDescent update, bool variant, List<TraceTensor> q)
    {
        double[][] Xb = batch.Select(n => X[n]).ToArray();
        double[][] Y = e.Y(batch.Select(n => labels[n]).ToArray(), w.B.Length);
        Add(q, "X", Xb);
        Add(q, "Y", Y);

        ForwardPass fw = ReferenceNetwork.Forward(w, f, Xb, Y, e);
        Add(q, "Z", fw.Z);
        Add(q, "H", fw.H);
        Add(q, "S", fw.S);
        Add(q, "Yhat", fw.Yhat);
        q.Add(new TraceTensor("L", EquationOf("L"), [], [fw.L]));

        Gradients g;
        try
        {
            g = ReferenceNetwork.Backward(w, f, Xb, Y, fw, e);
        }
        catch (ArgumentException) when (variant)
        {
            return false; // a shape the variant's backward pass cannot take
        }
        Add(q, "dS", g.dS);
        Add(q, "dB", g.dB);
        Add(q, "db", g.dOutputBias);
        Add(q, "dH", g.dH);
        Add(q, "dZ", g.dZ);
        Add(q, "dA", g.dA);
        Add(q, "da", g.dHiddenBias);
        if (!g.dTheta.SameShapes(w)) return false; // gradients that cannot update the weights

        StepResult r = update.Step(w, g.dTheta, v);
        Add(q, r.Gradient, "gA", "ga", "gB", "gb");
        Add(q, r.Velocity, "vA", "va", "vB", "vb");
        Add(q, r.Weights, "A_after", "a_after", "B_after", "b_after");
        (w, v) = (r.Weights, r.Velocity);
        return true;
    }

    private static void Add(List<TraceTensor> q, Parameters p, string A, string a, string B, string b)
    {
        Add(q, A, p.A);
        Add(q, a, p.HiddenBias);
        Add(q, B, p.B);
        Add(q, b, p.OutputBias);
    }

    // A matrix as [rows, cols] row-major.
    private static void Add(List<TraceTensor> q, string name, double[][] m)
    {
        int[] shape = [m.Length, m.Length == 0 ? 0 : m[0].Length];
        q.Add(new TraceTensor(name, EquationOf(name), shape, m.SelectMany(r => r).ToArray()));
    }

    // A vector as [n]; nothing without biases.
    private static void Add(List<TraceTensor> q, string name, double[]? values)
    {
        if (values is null) return;
        q.Add(new TraceTensor(name, EquationOf(name), [values.Length], (double[])values.Clone()));
    }
}
