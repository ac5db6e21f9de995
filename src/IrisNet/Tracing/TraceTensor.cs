namespace IrisNet.Tracing;

/// <summary>
/// One quantity of a trace: its name (X, Z, dS, ...), the number of the equation in
/// docs/derivation.md that defines it, its shape (empty for a scalar, [n] for a vector, [rows, cols]
/// for a matrix) and its values in row-major order. Batch matrices are sample-major: row n is sample n.
/// </summary>
/// <param name="Name">The quantity's key in the trace file.</param>
/// <param name="Equation">Its equation number in docs/derivation.md.</param>
/// <param name="Shape">Its dimensions.</param>
/// <param name="Values">Row-major values; the product of <paramref name="Shape"/> of them.</param>
public sealed record TraceTensor(string Name, int Equation, int[] Shape, double[] Values)
{
    /// <summary>The shape written as [a×b], [n] or [] for a scalar.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as [a×b], [n] or [].</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => $"[{string.Join('×', shape)}]";
}
