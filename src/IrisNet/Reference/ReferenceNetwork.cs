using IrisNet.FastPath;
using IrisNet.Training;

namespace IrisNet.Reference;

/// <summary>
/// The reference implementation of docs/derivation.md: the batch forward pass, backward pass and
/// update step, Eqs. 1–16, in plain loops over sample-major arrays in float64, with the
/// derivation's symbols. Nothing here is tuned; every fast path of the library
/// (<see cref="Network{T, TK}"/> with separate kernels or the fused sweep, on any number of
/// threads) is tested against it.
/// <code>
/// forward (Eqs. 1–5)                     backward (Eqs. 7–12)              update (Eqs. 15, 16)
/// Z = X Aᵀ + 1aᵀ          N×H            dS = (Ŷ − Y) / N       N×C        g = dθ + λθ (A, B only)
/// H = f(Z)                N×H            dB = dSᵀ H, db = Σ_n dS  C×H, C   v ← μ v + g
/// S = H Bᵀ + 1bᵀ          N×C            dH = dS B              N×H        θ ← θ − η v
/// Ŷ = softmax of each row N×C            dZ = dH ⊙ f′(Z)        N×H
/// L = (1/N) Σ_n ℓ_n       scalar         dA = dZᵀ X, da = Σ_n dZ  H×D, H
/// </code>
/// Row n of X, Y, Z, H, S, Ŷ, dS, dH and dZ belongs to sample n (sample-major, as most people
/// write a batch). A is H×D and B is C×H, row-major as <c>A[i][d]</c> and <c>B[j][i]</c>.
/// </summary>
public static class ReferenceNetwork
{
    /// <summary>
    /// The forward pass, Eqs. 1–5, over the rows of <paramref name="X"/> (N×D) with one-hot
    /// labels <paramref name="Y"/> (N×C).
    /// </summary>
    public static ForwardPass Forward(Parameters w, Activation f, double[][] X, double[][] Y)
    {
        int N = X.Length, H = w.A.Length, C = w.B.Length;
        w.CheckShapes(X.Length == 0 ? w.A[0].Length : X[0].Length);
        var Z = new double[N][];
        var Hm = new double[N][];
        var S = new double[N][];
        var Yhat = new double[N][];
        var losses = new double[N];
        for (int n = 0; n < N; n++)
        {
            double[] x = X[n];
            Z[n] = new double[H];
            Hm[n] = new double[H];
            for (int i = 0; i < H; i++)
            {
                double z = w.HiddenBias is null ? 0 : w.HiddenBias[i];                           // (1) z_i = Σ_d A_id x_d + a_i
                for (int d = 0; d < x.Length; d++) z += w.A[i][d] * x[d];
                Z[n][i] = z;
                Hm[n][i] = Activate(f, z);                                      // (2) h_i = f(z_i)
            }
            S[n] = new double[C];
            for (int j = 0; j < C; j++)
            {
                double s = w.OutputBias is null ? 0 : w.OutputBias[j];                           // (3) s_j = Σ_i B_ji h_i + b_j
                for (int i = 0; i < H; i++) s += w.B[j][i] * Hm[n][i];
                S[n][j] = s;
            }
            double m = S[n].Max(), sum = 0;                                     // (4) ŷ_k = exp(s_k − m) / Σ_j exp(s_j − m)
            for (int j = 0; j < C; j++) sum += Math.Exp(S[n][j] - m);
            Yhat[n] = new double[C];
            double loss = 0;
            for (int k = 0; k < C; k++)
            {
                Yhat[n][k] = Math.Exp(S[n][k] - m) / sum;
                loss += Y[n][k] * (m + Math.Log(sum) - S[n][k]);             // (5) ℓ = −Σ_k y_k ln ŷ_k, as log-sum-exp
            }
            losses[n] = loss;
        }
        return new ForwardPass(Z, Hm, S, Yhat, losses, N == 0 ? 0 : losses.Sum() / N);
    }

    /// <summary>
    /// The backward pass, Eqs. 7–12 with the mean of Eq. 14: dS = (Ŷ − Y)/N, then
    /// <see cref="BackwardFrom"/>.
    /// </summary>
    public static Gradients Backward(Parameters w, Activation f, double[][] X, double[][] Y, ForwardPass forward)
    {
        int N = X.Length, C = w.B.Length;
        var dS = new double[N][];
        for (int n = 0; n < N; n++)
        {
            dS[n] = new double[C];
            for (int k = 0; k < C; k++) dS[n][k] = (forward.Yhat[n][k] - Y[n][k]) / N;   // (7, 14) dS = (Ŷ − Y)/N
        }
        return BackwardFrom(w, f, X, forward, dS);
    }

    /// <summary>
    /// Eqs. 8–12 from a given dS = ∂L/∂S (N×C). <see cref="Backward"/> passes the correct
    /// (Ŷ − Y)/N; a caller studying a mistake (such as the diagonal-only softmax derivative of
    /// docs/derivation.md §4) may pass its own.
    /// </summary>
    public static Gradients BackwardFrom(Parameters w, Activation f, double[][] X, ForwardPass forward, double[][] dS)
    {
        int N = X.Length, H = w.A.Length, C = w.B.Length, D = w.A[0].Length;
        double[][] dB = Matrix(C, H), dA = Matrix(H, D), dH = Matrix(N, H), dZ = Matrix(N, H);
        double[]? db = w.OutputBias is null ? null : new double[C], da = w.HiddenBias is null ? null : new double[H];
        for (int n = 0; n < N; n++)
        {
            for (int j = 0; j < C; j++)
            {
                for (int i = 0; i < H; i++) dB[j][i] += dS[n][j] * forward.H[n][i]; // (8) dB = dSᵀ H
                if (db is not null) db[j] += dS[n][j];                          // (12) db = Σ_n dS
            }
            for (int i = 0; i < H; i++)
            {
                double g = 0;
                for (int j = 0; j < C; j++) g += dS[n][j] * w.B[j][i];         // (9) dH = dS B
                dH[n][i] = g;
                dZ[n][i] = g * Derivative(f, forward.Z[n][i]);                   // (10, 13) dZ = dH ⊙ f′(Z)
                for (int d = 0; d < D; d++) dA[i][d] += dZ[n][i] * X[n][d];     // (11) dA = dZᵀ X
                if (da is not null) da[i] += dZ[n][i];                          // (12) da = Σ_n dZ
            }
        }
        return new Gradients(dS, dB, db, dH, dZ, dA, da);
    }

    /// <summary>The forward and backward pass together.</summary>
    public static (ForwardPass Forward, Gradients Gradients) ForwardBackward(Parameters w, Activation f, double[][] X, double[][] Y)
    {
        ForwardPass forward = Forward(w, f, X, Y);
        return (forward, Backward(w, f, X, Y, forward));
    }

    /// <summary>
    /// One update, Eqs. 15–16, for every tensor θ of <paramref name="w"/>:
    /// g = ∂L/∂θ + λθ for the weights A and B (the biases a and b get no λ term),
    /// v ← μ v + g, θ ← θ − η v. With μ = 0 this is θ ← θ − η g.
    /// </summary>
    /// <param name="w">The weights before the step.</param>
    /// <param name="gradients">∂L/∂θ from <see cref="Backward"/>.</param>
    /// <param name="velocity">v before the step (<see cref="Parameters.Zero"/> at the start), or null for zeros.</param>
    /// <param name="eta">η, the learning rate.</param>
    /// <param name="mu">μ, the momentum (0 for none).</param>
    /// <param name="lambda">λ, the L2 weight decay on A and B.</param>
    public static StepResult Step(Parameters w, Gradients gradients, Parameters? velocity, double eta, double mu, double lambda)
    {
        velocity ??= w.Zero();
        Parameters g = new(
            Combine(gradients.dA, w.A, (d, t) => d + lambda * t),             // (15) ∂J/∂A = ∂L/∂A + λA
            gradients.dHiddenBias,                                                        //      ∂J/∂a = ∂L/∂a
            Combine(gradients.dB, w.B, (d, t) => d + lambda * t),             // (15) ∂J/∂B = ∂L/∂B + λB
            gradients.dOutputBias);
        Parameters v = velocity.Zip(g, (vi, gi) => mu * vi + gi);               // (16) v ← μ v + g
        Parameters update = v.Map(vi => -eta * vi);                              //      Δθ = −η v
        Parameters next = w.Zip(update, (t, u) => t + u);                        //      θ ← θ + Δθ
        return new StepResult(g, v, update, next);
    }

    /// <summary>Labels as one-hot rows: Y[n][k] = 1 when sample n is of class k, else 0 (N×C).</summary>
    public static double[][] OneHot(IReadOnlyList<int> labels, int C)
    {
        var Y = Matrix(labels.Count, C);
        for (int n = 0; n < labels.Count; n++) Y[n][labels[n]] = 1;
        return Y;
    }

    /// <summary>f(z) for the hidden activation (Eq. 2).</summary>
    public static double Activate(Activation f, double z) => f switch
    {
        Activation.Tanh => Math.Tanh(z),
        Activation.Relu => Math.Max(0, z),
        _ => z,
    };

    /// <summary>f′(z) (Eq. 13): 1 for identity, 1 − tanh² z, and for ReLU 1 when z &gt; 0, else 0.</summary>
    public static double Derivative(Activation f, double z) => f switch
    {
        Activation.Tanh => 1 - Math.Tanh(z) * Math.Tanh(z),
        Activation.Relu => z > 0 ? 1 : 0,
        _ => 1,
    };

    internal static double[][] Matrix(int rows, int cols)
    {
        var m = new double[rows][];
        for (int r = 0; r < rows; r++) m[r] = new double[cols];
        return m;
    }

    private static double[][] Combine(double[][] x, double[][] y, Func<double, double, double> op) =>
        x.Select((row, r) => row.Select((v, c) => op(v, y[r][c])).ToArray()).ToArray();

    /// <summary>
    /// The four tensors of the network, or anything shaped like them (a gradient, a velocity, an
    /// update): A (H×D), a (H, null without biases), B (C×H), b (C, null without biases).
    /// </summary>
    /// <param name="A">H rows of D numbers.</param>
    /// <param name="HiddenBias">a, H numbers, or null without biases.</param>
    /// <param name="B">C rows of H numbers.</param>
    /// <param name="OutputBias">b, C numbers, or null without biases.</param>
    public sealed record Parameters(double[][] A, double[]? HiddenBias, double[][] B, double[]? OutputBias)
    {
        /// <summary>The weights of <paramref name="w"/> (a saved model or a fresh initialization).</summary>
        public static Parameters From(InitialWeights w) => new Parameters(w.A, w.HiddenBias, w.B, w.OutputBias).Map(v => v);

        /// <summary>Zeros of the same shapes.</summary>
        public Parameters Zero() => Map(_ => 0);

        /// <summary>The same tensors as <see cref="InitialWeights"/>.</summary>
        public InitialWeights ToInitialWeights() => new(A, HiddenBias, B, OutputBias);

        /// <summary>Each entry mapped by <paramref name="op"/>, into new arrays.</summary>
        public Parameters Map(Func<double, double> op) => Zip(this, (x, _) => op(x));

        /// <summary>Entry by entry, <paramref name="op"/>(this, <paramref name="other"/>), into new arrays.</summary>
        public Parameters Zip(Parameters other, Func<double, double, double> op) => new(
            Combine(A, other.A, op),
            HiddenBias is null ? null : HiddenBias.Select((v, i) => op(v, other.HiddenBias![i])).ToArray(),
            Combine(B, other.B, op),
            OutputBias is null ? null : OutputBias.Select((v, j) => op(v, other.OutputBias![j])).ToArray());

        internal void CheckShapes(int D)
        {
            int H = A.Length, C = B.Length;
            if (H == 0 || C == 0) throw new ArgumentException("A and B need at least one row.");
            if (A.Any(r => r.Length != D)) throw new ArgumentException($"Every row of A (H×D) needs D = {D} entries.");
            if (B.Any(r => r.Length != H)) throw new ArgumentException($"Every row of B (C×H) needs H = {H} entries.");
            if ((HiddenBias is null) != (OutputBias is null)) throw new ArgumentException("a and b are both present (biases on) or both null.");
            if (HiddenBias is not null && HiddenBias.Length != H) throw new ArgumentException($"a needs H = {H} entries.");
            if (OutputBias is not null && OutputBias.Length != C) throw new ArgumentException($"b needs C = {C} entries.");
        }
    }

    /// <summary>Every quantity of the forward pass (sample-major: row n is sample n).</summary>
    /// <param name="Z">Pre-activations z = A x + a, N×H (Eq. 1).</param>
    /// <param name="H">Hidden activations h = f(z), N×H (Eq. 2).</param>
    /// <param name="S">Logits s = B h + b, N×C (Eq. 3).</param>
    /// <param name="Yhat">Probabilities ŷ = softmax(s), N×C (Eq. 4).</param>
    /// <param name="Losses">ℓ_n, each sample's cross-entropy, N (Eq. 5).</param>
    /// <param name="L">The mean loss L = (1/N) Σ_n ℓ_n (Eq. 5).</param>
    public sealed record ForwardPass(double[][] Z, double[][] H, double[][] S, double[][] Yhat, double[] Losses, double L);

    /// <summary>Every quantity of the backward pass, each the derivative of the mean loss L.</summary>
    /// <param name="dS">∂L/∂S = (Ŷ − Y)/N, N×C (Eqs. 7, 14).</param>
    /// <param name="dB">∂L/∂B = dSᵀ H, C×H (Eq. 8).</param>
    /// <param name="dOutputBias">db = ∂L/∂b = Σ_n dS, C, or null without biases (Eq. 12).</param>
    /// <param name="dH">∂L/∂H = dS B, N×H (Eq. 9).</param>
    /// <param name="dZ">∂L/∂Z = dH ⊙ f′(Z), N×H (Eqs. 10, 13).</param>
    /// <param name="dA">∂L/∂A = dZᵀ X, H×D (Eq. 11).</param>
    /// <param name="dHiddenBias">da = ∂L/∂a = Σ_n dZ, H, or null without biases (Eq. 12).</param>
    public sealed record Gradients(double[][] dS, double[][] dB, double[]? dOutputBias, double[][] dH, double[][] dZ, double[][] dA, double[]? dHiddenBias);

    /// <summary>One update step (Eqs. 15, 16).</summary>
    /// <param name="Gradient">g: the gradient with the L2 term, ∂L/∂θ + λθ for A and B, ∂L/∂θ for a and b (Eq. 15).</param>
    /// <param name="Velocity">v after the step, μ v + g (Eq. 16); equal to g without momentum.</param>
    /// <param name="Update">Δθ = −η v, the change of each parameter (Eq. 16).</param>
    /// <param name="Weights">θ + Δθ, the weights after the step.</param>
    public sealed record StepResult(Parameters Gradient, Parameters Velocity, Parameters Update, Parameters Weights);
}
