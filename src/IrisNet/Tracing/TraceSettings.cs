using IrisNet.Reference;

namespace IrisNet.Tracing;

/// <summary>The network and the update rule a trace is computed with.</summary>
/// <param name="Activation">The hidden activation f (2), (13).</param>
/// <param name="LearningRate">η (16).</param>
/// <param name="Momentum">μ in [0, 1) (16); 0 for plain gradient descent.</param>
/// <param name="L2">λ ≥ 0, weight decay on A and B (15).</param>
public sealed record TraceSettings(Activation Activation, double LearningRate, double Momentum = 0, double L2 = 0);
