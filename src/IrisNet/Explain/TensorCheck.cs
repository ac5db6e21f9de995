namespace IrisNet.Explain;

/// <summary>The largest relative error in one tensor, and where it is.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="MaxRelativeError">max over entries of |g − ĝ| / max(|g|, |ĝ|, floor).</param>
/// <param name="Index">Flat index of that entry.</param>
/// <param name="Analytic">g, the backward pass's value there.</param>
/// <param name="Numeric">ĝ, the central finite difference there.</param>
public sealed record TensorCheck(string Name, double MaxRelativeError, int Index, double Analytic, double Numeric);
