namespace IrisNet.Reference;

/// <summary>
/// The four tensors of the network, or anything shaped like them (a gradient, a velocity, an
/// update): A (H×D), a (H, null without biases), B (C×H), b (C, null without biases), rows as
/// <c>A[i][d]</c> and <c>B[j][i]</c>.
/// </summary>
/// <param name="A">H rows of D numbers.</param>
/// <param name="HiddenBias">a, H numbers, or null without biases.</param>
/// <param name="B">C rows of H numbers.</param>
/// <param name="OutputBias">b, C numbers, or null without biases.</param>
public sealed record Parameters(double[][] A, double[]? HiddenBias, double[][] B, double[]? OutputBias)
{
    /// <summary>Zeros of the same shapes.</summary>
    public Parameters Zero() => Map(_ => 0);

    /// <summary>Each entry mapped by <paramref name="op"/>, into new arrays.</summary>
    public Parameters Map(Func<double, double> op) => Zip(this, (x, _) => op(x));

    /// <summary>Entry by entry, <paramref name="op"/>(this, <paramref name="other"/>), into new arrays.</summary>
    public Parameters Zip(Parameters other, Func<double, double, double> op) => Zip(other, op, op);

    /// <summary>
    /// Entry by entry, <paramref name="weight"/>(this, <paramref name="other"/>) for the entries of A and B and
    /// <paramref name="bias"/>(this, <paramref name="other"/>) for those of a and b, into new arrays.
    /// </summary>
    public Parameters Zip(Parameters other, Func<double, double, double> weight, Func<double, double, double> bias) =>
        new(
            Combine(A, other.A, weight),
            HiddenBias is null ? null : Combine(HiddenBias, other.HiddenBias!, bias),
            Combine(B, other.B, weight),
            OutputBias is null ? null : Combine(OutputBias, other.OutputBias!, bias));

    /// <summary>True when <paramref name="other"/> has tensors of exactly these shapes.</summary>
    public bool SameShapes(Parameters other) =>
        SameShape(A, other.A) && SameShape(B, other.B)
        && (HiddenBias?.Length ?? -1) == (other.HiddenBias?.Length ?? -1)
        && (OutputBias?.Length ?? -1) == (other.OutputBias?.Length ?? -1);

    internal void CheckShapes(int D)
    {
        int H = A.Length, C = B.Length;
        if (H == 0 || C == 0) throw new ArgumentException("A and B need at least one row.");
        if (A.Any(r => r.Length != D)) throw new ArgumentException($"Every row of A (H×D) needs D = {D} entries.");
        if (B.Any(r => r.Length != H)) throw new ArgumentException($"Every row of B (C×H) needs H = {H} entries.");
        if ((HiddenBias is null) != (OutputBias is null))
            throw new ArgumentException("a and b are both present (biases on) or both null.");
        if (HiddenBias is not null && HiddenBias.Length != H) throw new ArgumentException($"a needs H = {H} entries.");
        if (OutputBias is not null && OutputBias.Length != C) throw new ArgumentException($"b needs C = {C} entries.");
    }

    private static double[][] Combine(double[][] x, double[][] y, Func<double, double, double> op) =>
        x.Select((row, r) => Combine(row, y[r], op)).ToArray();

    private static double[] Combine(double[] x, double[] y, Func<double, double, double> op) =>
        x.Select((v, c) => op(v, y[c])).ToArray();

    private static bool SameShape(double[][] x, double[][] y) =>
        x.Length == y.Length && x.Zip(y).All(r => r.First.Length == r.Second.Length);
}
