using System.Numerics;
using IrisNet.Data;
using IrisNet.Errors;
using IrisNet.FastPath;
using IrisNet.Kernels;
using IrisNet.Reference;
using IrisNet.Scoring;
using IrisNet.Training;

namespace IrisNet.Models;

/// <summary>
/// A trained network with everything needed to use it again: feature and class names, the
/// standardization, the shape, the weights (stored as double; float32 weights widen exactly) and
/// the options and seed that trained it. Saved as JSON by <see cref="ModelJson"/>.
/// </summary>
public sealed class Model
{
    /// <summary>Creates a model after checking shapes and that every weight is finite.</summary>
    /// <exception cref="ArgumentException">Shapes disagree or a weight is not finite.</exception>
    public Model(NetworkShape shape, Precision precision, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> classNames,
        string labelName, Standardization standardization, double[] A, double[] hiddenBias, double[] B,
            double[] outputBias, TrainingOptions? options)
    {
        if (featureNames.Count != shape.D) throw new
            ArgumentException($"{featureNames.Count} feature names for D = {shape.D}.", nameof(featureNames));
        if (classNames.Count != shape.C) throw new
            ArgumentException($"{classNames.Count} class names for C = {shape.C}.", nameof(classNames));
        if (standardization.Mean.Count != shape.D) throw new ArgumentException("The standardization does not match D.",
            nameof(standardization));
        Check(A, shape.H * shape.D, nameof(A));
        Check(B, shape.C * shape.H, nameof(B));
        Check(hiddenBias, shape.Bias ? shape.H : 0, nameof(hiddenBias));
        Check(outputBias, shape.Bias ? shape.C : 0, nameof(outputBias));
        Shape = shape;
        Precision = precision;
        FeatureNames = featureNames.ToArray();
        ClassNames = classNames.ToArray();
        LabelName = labelName;
        Standardization = standardization;
        this.A = A; HiddenBias = hiddenBias; this.B = B; OutputBias = outputBias;
        Options = options;
    }

    /// <summary>D, H, C, bias and activation.</summary>
    public NetworkShape Shape { get; }

    /// <summary>The precision it was trained in, and evaluates in.</summary>
    public Precision Precision { get; }

    /// <summary>The D feature names, in input order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The C class names, in output order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The label column's name in the training data.</summary>
    public string LabelName { get; }

    /// <summary>The input transform, applied before the network.</summary>
    public Standardization Standardization { get; }

    /// <summary>A, H×D row-major.</summary>
    public double[] A { get; }

    /// <summary>a, H entries, or empty.</summary>
    public double[] HiddenBias { get; }

    /// <summary>B, C×H row-major.</summary>
    public double[] B { get; }

    /// <summary>b, C entries, or empty.</summary>
    public double[] OutputBias { get; }

    /// <summary>The options and seed that trained it, or null when unknown.</summary>
    public TrainingOptions? Options { get; }

    /// <summary>The data file it was trained on (name, SHA-256, label column, rows), or null when unknown.</summary>
    public TrainingData? Data { get; init; }

    /// <summary>How that data was split into training and test rows, or null when unknown.</summary>
    public DataSplit? Split { get; init; }

    /// <summary>This model with its training data and split recorded.</summary>
    public Model WithData(TrainingData data, DataSplit split) =>
        new(Shape, Precision, FeatureNames, ClassNames, LabelName, Standardization, A, HiddenBias, B, OutputBias,
            Options)
        { Data = data, Split = split };

    /// <summary>The weights as a starting point for further training (same standardization).</summary>
    public InitialWeights ToInitialWeights() => new(
        Rows(A, Shape.H, Shape.D), Shape.Bias ? (double[])HiddenBias.Clone() : null,
        Rows(B, Shape.C, Shape.H), Shape.Bias ? (double[])OutputBias.Clone() : null, Standardization, Shape.Activation)
    {
        FeatureNames = [.. FeatureNames],
        ClassNames = [.. ClassNames],
        TrainedWith = Options,
    };

    /// <summary>ŷ for each raw (unstandardized) row: C probabilities summing to 1.</summary>
    public double[][] PredictProbabilities(double[][] rows) => Precision == Precision.Float32
        ? Inference<float>.Probabilities(this, rows)
        : Inference<double>.Probabilities(this, rows);

    /// <summary>
    /// The predicted class over a plane through input space: x_d = at_d for d ≠ p, q, and
    /// (x_p, x_q) = (xs[c], ys[r]) for the cell [r, c] of the result. The class is the first maximal ŷ_k (that
    /// of the largest logit s_k, softmax being monotone), from the network's own forward pass in double on the
    /// stored weights, as <see cref="Network{T, TK}.PredictClasses"/> computes it (a float32 model may differ
    /// from its own evaluation where two logits agree to float32 rounding). <paramref name="q"/> = −1: one feature.
    /// </summary>
    /// <remarks>
    /// With x′ the standardized input, z_i = A_i·x′ + a_i splits into a part that is the same over the whole
    /// plane, c_i = a_i + Σ_{d≠p,q} A_id x′_d(at_d), computed once in O(HD), and A_ip x′_p + A_iq x′_q: on the
    /// plane the model is a network with the inputs (x′_p, x′_q), first-layer weights [A_p A_q] and bias c, so
    /// each cell costs O(HC) whatever D is, and no cell needs a row of D features.
    /// </remarks>
    public int[,] PlaneClasses(double[] at, int p, int q, double[] xs, double[] ys)
    {
        int D = Shape.D, H = Shape.H, C = Shape.C, inputs = q >= 0 ? 2 : 1, columns = xs.Length;
        var result = new int[ys.Length, columns];
        if (columns == 0) return result;
        var shape = new NetworkShape(inputs, H, C, true, Shape.Activation);
        using var plane = new Network<double, VectorKernels<double>>(shape, columns);
        for (int i = 0; i < H; i++)
        {
            double c = Shape.Bias ? HiddenBias[i] : 0;
            for (int d = 0; d < D; d++)
                if (d != p && d != q) c += A[i * D + d] * Standardization.Apply(at[d], d);
            plane.HiddenBias[i] = c;
            plane.A[i * inputs] = A[i * D + p];
            if (q >= 0) plane.A[i * inputs + 1] = A[i * D + q];
        }
        B.CopyTo(plane.B, 0);
        if (Shape.Bias) OutputBias.CopyTo(plane.OutputBias, 0);
        // X′ of one row of cells, feature-major: x′_p across, x′_q(ys[r]) in every column.
        var X = new double[inputs * columns];
        for (int col = 0; col < columns; col++) X[col] = Standardization.Apply(xs[col], p);
        var classes = new int[columns];
        for (int r = 0; r < ys.Length; r++)
        {
            if (q >= 0) Array.Fill(X, Standardization.Apply(ys[r], q), columns, columns);
            plane.PredictClasses(X, columns, columns, classes);
            for (int col = 0; col < columns; col++) result[r, col] = classes[col];
        }
        return result;
    }

    /// <summary>Loss, accuracy, confusion matrix and per-class scores on labelled data whose classes are this
    /// model's.</summary>
    /// <exception cref="DataException">The data's features or classes differ from the model's, or a row's probabilities
    /// are not finite.</exception>
    public Evaluation Evaluate(Dataset data)
    {
        if (!data.FeatureNames.SequenceEqual(FeatureNames))
            throw new DataException(data.Source, 0, 0,
                $"the features ({string.Join(", ", data.FeatureNames)}) are not the model's " +
                $"({string.Join(", ", FeatureNames)}).");
        if (!data.ClassNames.SequenceEqual(ClassNames))
            throw new DataException(data.Source, 0, 0,
                $"the classes ({string.Join(", ", data.ClassNames)}) are not the model's " +
                $"({string.Join(", ", ClassNames)}).");
        // A row whose probabilities are not finite has no prediction: refuse rather than count it as some class.
        double[][] probabilities = PredictProbabilities(data.Features);
        for (int n = 0; n < probabilities.Length; n++)
        {
            if (!probabilities[n].All(double.IsFinite))
                throw new DataException(data.Source, 0, 0,
                    $"the row with features " +
                    $"{string.Join(", ", data.Features[n].Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))} gives probabilities that are not finite numbers (a feature is too large for the model's weights), so it has no prediction; remove or correct it.");
        }
        return Precision == Precision.Float32 ? Inference<float>.Evaluate(this, data) : Inference<double>.Evaluate(this,
            data);
    }

    internal static double[][] Rows(double[] flat, int rows, int cols)
    {
        var result = new double[rows][];
        for (int r = 0; r < rows; r++) result[r] = flat.AsSpan(r * cols, cols).ToArray();
        return result;
    }

    private static void Check(double[] values, int length, string name)
    {
        if (values.Length != length) throw new
            ArgumentException($"{name} has {values.Length} entries; {length} expected.", name);
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) throw new ArgumentException($"{name} holds {v}; a model's weights must be finite.",
                name);
        }
    }

    private static class Inference<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static double[][] Probabilities(Model m, double[][] rows)
        {
            int N = rows.Length, C = m.Shape.C;
            var result = new double[N][];
            if (N == 0) return result;
            using Network<T, VectorKernels<T>> net = Load(m, N);
            var X = FeatureMajor.Features<T>(rows, m.Standardization);
            var P = new T[C * N];
            net.Predict(X, N, N, P);
            for (int n = 0; n < N; n++)
            {
                result[n] = new double[C];
                for (int k = 0; k < C; k++) result[n][k] = double.CreateChecked(P[k * N + n]);
            }
            return result;
        }

        public static Evaluation Evaluate(Model m, Dataset data)
        {
            int N = data.Count;
            if (N == 0) return new Evaluation(m.ClassNames, EmptyConfusion(m.Shape.C), 0);
            using Network<T, VectorKernels<T>> net = Load(m, N);
            var (X, Y) = FeatureMajor.Build<T>(data, m.Standardization);
            return FeatureMajor.Evaluate(net, X, Y, data.Labels, m.ClassNames);
        }

        private static Network<T, VectorKernels<T>> Load(Model m, int N)
        {
            var net = new Network<T, VectorKernels<T>>(m.Shape, N);
            Copy(m.A, net.A); Copy(m.HiddenBias, net.HiddenBias); Copy(m.B, net.B); Copy(m.OutputBias, net.OutputBias);
            return net;
        }

        private static void Copy(double[] source, T[] destination)
        {
            for (int i = 0; i < source.Length; i++) destination[i] = T.CreateChecked(source[i]);
        }
    }

    internal static int[][] EmptyConfusion(int C) => Enumerable.Range(0, C).Select(_ => new int[C]).ToArray();
}
