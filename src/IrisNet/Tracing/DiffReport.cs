namespace IrisNet.Tracing;

/// <summary>The result of comparing a user's trace with the reference recomputed from its own weights and
/// data.</summary>
/// <param name="Rows">Every quantity the user gave, step by step, forward then backward then update.</param>
/// <param name="Tolerance">The largest accepted relative difference.</param>
/// <param name="Diagnoses">The catalogued mistakes that reproduce <see cref="First"/>; empty when everything agrees or
/// none does.</param>
public sealed record DiffReport(IReadOnlyList<DiffRow> Rows, double Tolerance, IReadOnlyList<Diagnosis> Diagnoses)
{
    /// <summary>The first quantity that disagrees, or null when all agree.</summary>
    public DiffRow? First => Rows.FirstOrDefault(r => !r.Agrees);

    /// <summary>True when every quantity agrees.</summary>
    public bool Matches => First is null;
}
