namespace IrisNet.Tracing;

/// <summary>A catalogued mistake whose variant reproduces the user's first disagreeing quantity.</summary>
/// <param name="Mistake">The mistake.</param>
/// <param name="Reproduced">How many of the user's quantities (all steps) the variant reproduces within the
/// tolerance.</param>
/// <param name="Given">How many quantities the user's file gives.</param>
public sealed record Diagnosis(Mistake Mistake, int Reproduced, int Given)
{
    /// <summary>True when the variant reproduces every quantity the user gave.</summary>
    public bool ExplainsEverything => Reproduced == Given;
}
