namespace IrisNet.Reference;

/// <summary>Every quantity of the forward pass (sample-major: row n is sample n).</summary>
/// <param name="Z">Pre-activations z = A x + a, N×H (Eq. 1).</param>
/// <param name="H">Hidden activations h = f(z), N×H (Eq. 2).</param>
/// <param name="S">Logits s = B h + b, N×C (Eq. 3).</param>
/// <param name="Yhat">Probabilities ŷ = softmax(s), N×C (Eq. 4).</param>
/// <param name="Losses">ℓ_n, each sample's cross-entropy, N (Eq. 5).</param>
/// <param name="L">The mean loss L = (1/N) Σ_n ℓ_n (Eqs. 5, 14).</param>
public sealed record ForwardPass(double[][] Z, double[][] H, double[][] S, double[][] Yhat, double[] Losses, double L);
