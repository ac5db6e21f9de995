using IrisNet.Reference;

namespace IrisNet.Training;

/// <summary>
/// Between the reference's <see cref="Parameters"/> and the <see cref="InitialWeights"/> training starts
/// from. Kept here, outside the reference, so that the reference depends on nothing else in the library.
/// </summary>
public static class ParameterConversions
{
    /// <summary>The weights of <paramref name="w"/> (a saved model or a fresh initialization), copied.</summary>
    public static Parameters ToParameters(this InitialWeights w) =>
        new Parameters(w.A, w.HiddenBias, w.B, w.OutputBias).Map(v => v);

    /// <summary>The same tensors as <see cref="InitialWeights"/> (not copied).</summary>
    public static InitialWeights ToInitialWeights(this Parameters p) => new(p.A, p.HiddenBias, p.B, p.OutputBias);
}
