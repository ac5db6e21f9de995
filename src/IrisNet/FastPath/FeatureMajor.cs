using System.Numerics;
using IrisNet.Data;
using IrisNet.Kernels;
using IrisNet.Models;
using IrisNet.Scoring;

namespace IrisNet.FastPath;

/// <summary>
/// Converts row-major data into the kernels' feature-major layout: X (D×N) holds the standardized
/// features with column n = sample n, Y (C×N) the one-hot labels.
/// </summary>
public static class FeatureMajor
{
    /// <summary>X (D×N) and Y (C×N), leading dimension N.</summary>
    public static (T[] X, T[] Y) Build<T>(Dataset data, Standardization standardization) where T : unmanaged,
        IFloatingPointIeee754<T>
    {
        int N = data.Count, C = data.ClassCount;
        T[] X = Features<T>(data.Features, standardization);
        var Y = new T[C * N];
        for (int n = 0; n < N; n++) Y[data.Labels[n] * N + n] = T.One;
        return (X, Y);
    }

    /// <summary>X (D×N), leading dimension N, with x′ = (x − μ)/σ applied in double and then rounded to T.</summary>
    public static T[] Features<T>(double[][] rows, Standardization standardization) where T : unmanaged,
        IFloatingPointIeee754<T>
    {
        int N = rows.Length, D = standardization.Mean.Count;
        var X = new T[D * N];
        for (int n = 0; n < N; n++)
            for (int d = 0; d < D; d++) X[d * N + n] = T.CreateChecked(standardization.Apply(rows[n][d], d));
        return X;
    }

    /// <summary>Loss, and the confusion matrix from the first maximal class probability of each sample.</summary>
    public static Evaluation Evaluate<T, TK>(Network<T, TK> net, T[] X, T[] Y, int[] labels,
        IReadOnlyList<string> classNames)
        where T : unmanaged, IFloatingPointIeee754<T> where TK : struct, IKernels<T>
    {
        int N = labels.Length, C = net.Shape.C;
        var (lossSum, _) = net.Forward(X, Y, 0, N, N);
        // The predicted classes alone, in blocks: no C×N probability matrix beside X and Y.
        var predicted = new int[N];
        net.PredictClasses(X, N, N, predicted);
        int[][] confusion = Model.EmptyConfusion(C);
        for (int n = 0; n < N; n++) confusion[labels[n]][predicted[n]]++;
        return new Evaluation(classNames, confusion, N > 0 ? lossSum / N : 0);
    }
}
