namespace IrisNet.Tracing;

/// <summary>One quantity of one step compared with the reference.</summary>
/// <param name="Step">1-based step number.</param>
/// <param name="Name">The quantity's key (X, L, dS, ...).</param>
/// <param name="Equation">Its equation number in docs/derivation.md.</param>
/// <param name="Shape">The shape the user's file gives.</param>
/// <param name="ReferenceShape">The reference's shape.</param>
/// <param name="MaxAbsolute">max_i |theirs_i − ref_i|; NaN when the shapes differ.</param>
/// <param name="MaxRelative">MaxAbsolute / max_i |ref_i| (0 when both are 0); NaN when the shapes differ.</param>
/// <param name="Agrees">Same shape and MaxRelative ≤ the tolerance.</param>
public sealed record DiffRow(int Step, string Name, int Equation, int[] Shape, int[] ReferenceShape, double MaxAbsolute,
    double MaxRelative, bool Agrees);
