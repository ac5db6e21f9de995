namespace IrisNet.Tracing;

/// <summary>
/// Compares a user's trace with the reference recomputed in float64 from the user's own starting
/// weights, data, batches and options, then, for the first quantity that disagrees, reruns every
/// <see cref="Mistake"/> variant and names those that reproduce it.
/// </summary>
/// <remarks>
/// The relative difference of a quantity Q with elements q_i (reference r_i, user t_i) is
/// max_i |t_i − r_i| / max_i |r_i|: the largest absolute difference over the largest reference magnitude,
/// 0 when the two are identical, +∞ when the reference is all zeros and the user's is not. A quantity
/// agrees when its shape is the reference's and this is at most the tolerance.
/// </remarks>
public static class TraceDiff
{
    /// <summary>The default tolerance on the relative difference.</summary>
    public const double DefaultTolerance = 1e-6;

    /// <summary>Compares <paramref name="theirs"/> with the reference and diagnoses the first difference.</summary>
    public static DiffReport Compare(TraceFile theirs, double tolerance = DefaultTolerance)
    {
        IReadOnlyList<TraceStep> reference = Recompute(theirs, Mistake.None);
        var rows = new List<DiffRow>();
        foreach (TraceStep step in theirs.Steps)
        {
            TraceStep refStep = reference[step.Number - 1];
            foreach (TraceTensor t in step.Quantities)
            {
                TraceTensor r = refStep.Find(t.Name)!;
                if (!t.Shape.SequenceEqual(r.Shape))
                {
                    rows.Add(new DiffRow(step.Number, t.Name, t.Equation, t.Shape, r.Shape, double.NaN, double.NaN,
                        false));
                    continue;
                }
                var (abs, rel) = Difference(t.Values, r.Values);
                rows.Add(new DiffRow(step.Number, t.Name, t.Equation, t.Shape, r.Shape, abs, rel, rel <= tolerance));
            }
        }
        DiffRow? first = rows.FirstOrDefault(r => !r.Agrees);
        var diagnoses = new List<Diagnosis>();
        if (first is not null)
        {
            TraceTensor theirsFirst = theirs.Steps[first.Step - 1].Find(first.Name)!;
            TraceTensor refFirst = reference[first.Step - 1].Find(first.Name)!;
            int given = theirs.Steps.Sum(s => s.Quantities.Count);
            foreach (Mistake m in MistakeCatalogue.All)
            {
                IReadOnlyList<TraceStep> variant = Recompute(theirs, m);
                TraceTensor? v = variant.Count >= first.Step ? variant[first.Step - 1].Find(first.Name) : null;
                if (v is null || !Agree(theirsFirst, v, tolerance) || Agree(v, refFirst, tolerance)) continue;
                int reproduced = theirs.Steps.Sum(s => s.Quantities.Count(t =>
                    variant.Count >= s.Number && variant[s.Number - 1].Find(t.Name) is TraceTensor vt && Agree(t, vt,
                        tolerance)));
                diagnoses.Add(new Diagnosis(m, reproduced, given));
            }
        }
        return new DiffReport(rows, tolerance, diagnoses);
    }

    /// <summary>The steps of <paramref name="trace"/> recomputed from its starting weights and batches, as <paramref
    /// name="mistake"/> computes them.</summary>
    public static IReadOnlyList<TraceStep> Recompute(TraceFile trace, Mistake mistake) =>
        TraceComputation.Run(trace.Initial, trace.Data.X, trace.Data.Labels, trace.Settings,
            trace.Steps.Select(s => s.Batch).ToArray(), mistake);

    /// <summary>max_i |t_i − r_i| and that over max_i |r_i| (0 when both are 0, +∞ when only the reference is all
    /// zeros).</summary>
    public static (double MaxAbsolute, double MaxRelative) Difference(ReadOnlySpan<double> theirs,
        ReadOnlySpan<double> reference)
    {
        double abs = 0, scale = 0;
        for (int i = 0; i < theirs.Length; i++)
        {
            double d = Math.Abs(theirs[i] - reference[i]);
            if (double.IsNaN(d) || d > abs) abs = d; // a NaN stays
            scale = Math.Max(scale, Math.Abs(reference[i]));
        }
        double rel = abs == 0 ? 0 : scale == 0 ? double.PositiveInfinity : abs / scale;
        return (abs, rel);
    }

    private static bool Agree(TraceTensor theirs, TraceTensor reference, double tolerance) =>
        theirs.Shape.SequenceEqual(reference.Shape) && Difference(theirs.Values,
            reference.Values).MaxRelative <= tolerance;
}
