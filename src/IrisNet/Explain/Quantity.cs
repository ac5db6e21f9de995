namespace IrisNet.Explain;

/// <summary>One named quantity of the walk-through: a scalar, vector or matrix with its equation number.</summary>
/// <param name="Equation">The equation number in docs/derivation.md.</param>
/// <param name="Symbol">The quantity, for example ∂L/∂B.</param>
/// <param name="Rows">Row count (1 for a scalar).</param>
/// <param name="Cols">Column count (1 for a vector or a scalar).</param>
/// <param name="RowLabels">A label per row.</param>
/// <param name="ColLabels">A label per column.</param>
/// <param name="Value">The analytic value, row-major; always finite except ∂ℓ/∂ŷ of a probability that rounded to
/// 0.</param>
/// <param name="Numeric">The estimate it is compared with (a central finite difference, or the correct value for the
/// shortcut), row-major, or null.</param>
/// <param name="Notes">Per entry, null, or why the estimate of that entry is not a fair check (it is then left out of
/// <see cref="MaxAbsDifference"/>).</param>
/// <param name="Method">How <paramref name="Numeric"/> was obtained, for example the finite-difference step.</param>
public sealed record Quantity(int Equation, string Symbol, int Rows, int Cols, IReadOnlyList<string> RowLabels,
    IReadOnlyList<string> ColLabels,
    double[] Value, double[]? Numeric, IReadOnlyList<string?>? Notes = null, string? Method = null)
{
    /// <summary>max |value − numeric| over the entries without a note, or 0 without an estimate.</summary>
    public double MaxAbsDifference => Numeric is null ? 0 : Enumerable.Range(0, Value.Length)
        .Where(i => Notes?[i] is null && double.IsFinite(Value[i]) && double.IsFinite(Numeric[i]))
        .Select(i => Math.Abs(Value[i] - Numeric[i])).DefaultIfEmpty(0).Max();

    /// <summary>The number of entries whose estimate carries a note.</summary>
    public int NotedEntries => Notes?.Count(n => n is not null) ?? 0;
}
