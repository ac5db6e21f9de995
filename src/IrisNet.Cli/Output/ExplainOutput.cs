using System.Text.Json.Serialization;
using IrisNet.Data;
using IrisNet.Explain;
using IrisNet.Reference;

namespace IrisNet.Cli.Output;

/// <summary>
/// <c>irisnet explain --json</c>, written through <see cref="CliJsonContext"/>: the same content as the
/// tables. A matrix entry that is not finite (∂ℓ/∂ŷ of a probability that rounded to 0) is null,
/// since JSON has no infinity. A null member is not written, except "data", which is null for rows
/// not read from a file.
/// </summary>
public sealed record ExplainOutput(int Sample,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Data, string Class,
    ExplainOutput.ShapeBlock Shape, double Loss,
    IReadOnlyList<ExplainOutput.QuantityBlock> Forward, IReadOnlyList<ExplainOutput.QuantityBlock> Backward,
    IReadOnlyList<ExplainOutput.QuantityBlock> DiagonalOnlyShortcut, ExplainOutput.StepBlock TrainingStep)
{
    /// <summary>The output for sample <paramref name="sample"/> (1-based) of <paramref name="rows"/>.</summary>
    public static ExplainOutput From(Explanation e, int sample, Dataset rows) => new(
        sample, rows.Source, rows.ClassNames[e.Label],
        new ShapeBlock(e.Shape.D, e.Shape.H, e.Shape.C, e.Shape.Bias, e.Shape.Activation),
        e.Loss,
        e.Forward.Select(q => QuantityBlock.From(q, null)).ToArray(),
        e.Backward.Select(q => QuantityBlock.From(q, "finite_difference")).ToArray(),
        e.Shortcut.Select(q => QuantityBlock.From(q, "correct")).ToArray(),
        new StepBlock(e.Step.Rule, e.Step.LearningRate, e.Step.Momentum, e.Step.L2, e.Step.LossBefore, e.Step.LossAfter,
            e.Step.Quantities.Select(q => QuantityBlock.From(q, null)).ToArray()));

    /// <summary>D, H, C as the derivation writes them, biases and activation.</summary>
    public sealed record ShapeBlock([property: JsonPropertyName("D")] int D, [property: JsonPropertyName("H")] int H,
        [property: JsonPropertyName("C")] int C, bool Bias, Activation Activation);

    /// <summary>η, μ, λ, the loss before and after the step, and each parameter's gradient, velocity and update.</summary>
    public sealed record StepBlock(string Rule, double LearningRate, double Momentum, double L2, double LossBefore, double LossAfter,
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

        /// <summary><paramref name="q"/>, its estimate (if any) under the field <paramref name="estimate"/>.</summary>
        public static QuantityBlock From(Quantity q, string? estimate)
        {
            var block = new QuantityBlock(q.Equation, q.Symbol, q.Rows, q.Cols, q.RowLabels, q.ColLabels, Matrix(q.Value, q.Rows, q.Cols));
            if (q.Numeric is null || estimate is null) return block;
            double?[][] numeric = Matrix(q.Numeric, q.Rows, q.Cols);
            var notes = new List<EntryNote>();
            for (int i = 0; i < q.Value.Length; i++)
            {
                if (q.Notes?[i] is string note) notes.Add(new EntryNote(i / q.Cols, i % q.Cols, note));
            }
            return block with
            {
                FiniteDifference = estimate == "finite_difference" ? numeric : null,
                Correct = estimate == "correct" ? numeric : null,
                MaxAbsDifference = q.MaxAbsDifference,
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
