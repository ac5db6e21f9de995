namespace IrisNet;

/// <summary>One named quantity of the walk-through: a scalar, vector or matrix with its equation number.</summary>
/// <param name="Equation">The equation number in docs/derivation.md.</param>
/// <param name="Symbol">The quantity, for example ∂L/∂B.</param>
/// <param name="Rows">Row count (1 for a scalar).</param>
/// <param name="Cols">Column count (1 for a vector or a scalar).</param>
/// <param name="RowLabels">A label per row.</param>
/// <param name="ColLabels">A label per column.</param>
/// <param name="Value">The analytic value, row-major.</param>
/// <param name="Numeric">The central finite-difference estimate, row-major, or null for forward quantities.</param>
public sealed record Quantity(int Equation, string Symbol, int Rows, int Cols, IReadOnlyList<string> RowLabels, IReadOnlyList<string> ColLabels,
    double[] Value, double[]? Numeric)
{
    /// <summary>max |value − numeric| over the entries, or 0 without an estimate.</summary>
    public double MaxAbsDifference => Numeric is null ? 0 : Value.Zip(Numeric, (v, n) => Math.Abs(v - n)).DefaultIfEmpty(0).Max();
}
