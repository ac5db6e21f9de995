using System.Text.Json.Serialization;

namespace IrisNet.Cli;

/// <summary><c>explain --json</c>: the same content as the tables.</summary>
public sealed record ExplainOutput(int Sample, string? Data, string Class, ExplainOutput.ShapeBlock Shape, double Loss,
    IReadOnlyList<ExplainOutput.QuantityJson> Forward, IReadOnlyList<ExplainOutput.QuantityJson> Backward,
    IReadOnlyList<ExplainOutput.QuantityJson> DiagonalOnlyShortcut)
{
    /// <summary>D, H, C, biases and activation.</summary>
    public sealed record ShapeBlock(
        [property: JsonPropertyName("D")] int D,
        [property: JsonPropertyName("H")] int H,
        [property: JsonPropertyName("C")] int C,
        bool Bias, Activation Activation);

    /// <summary>One quantity: its equation, symbol, labels and values as rows, and the numeric comparison when there is one.</summary>
    public sealed record QuantityJson(int Equation, string Symbol, int Rows, int Cols, IReadOnlyList<string> RowLabels, IReadOnlyList<string> ColLabels,
        double[][] Value,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double[][]? FiniteDifference,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double[][]? Correct,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? MaxAbsDifference)
    {
        /// <summary>The quantity, its numeric values (if any) written under <paramref name="other"/>.</summary>
        public static QuantityJson From(Quantity q, string? other)
        {
            double[][]? numeric = q.Numeric is null ? null : AsRows(q.Numeric, q.Rows, q.Cols);
            return new QuantityJson(q.Equation, q.Symbol, q.Rows, q.Cols, q.RowLabels, q.ColLabels, AsRows(q.Value, q.Rows, q.Cols),
                other == "finite_difference" ? numeric : null, other == "correct" ? numeric : null, q.Numeric is null ? null : q.MaxAbsDifference);
        }

        private static double[][] AsRows(IReadOnlyList<double> flat, int rows, int cols) =>
            Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Select(c => flat[r * cols + c]).ToArray()).ToArray();
    }
}
