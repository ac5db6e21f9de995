using System.Globalization;
using IrisNet.Errors;
using IrisNet.FastPath;
using IrisNet.Training;

namespace IrisNet.Data;

/// <summary>
/// The input transform stored with a model: z-score, x′_d = (x_d − μ_d) / σ_d, with μ and σ the mean
/// and population standard deviation (divide by N) of the training rows; or none (x′ = x).
/// A constant feature (σ_d = 0) is divided by 1.
/// </summary>
public sealed class Standardization
{
    private Standardization(double[] mean, double[] scale, bool enabled)
    {
        Mean = mean;
        Scale = scale;
        Enabled = enabled;
    }

    /// <summary>μ, one entry per feature (zeros when disabled).</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>σ, one entry per feature (ones when disabled or constant).</summary>
    public IReadOnlyList<double> Scale { get; }

    /// <summary>True for z-score, false for none.</summary>
    public bool Enabled { get; }

    /// <summary>The identity transform for <paramref name="featureCount"/> features.</summary>
    public static Standardization None(int featureCount) =>
        new(new double[featureCount], Enumerable.Repeat(1.0, featureCount).ToArray(), false);

    /// <summary>A z-score transform with given μ and σ (for a loaded model); σ must be positive and finite.</summary>
    public static Standardization FromValues(double[] mean, double[] scale)
    {
        if (mean.Length != scale.Length) throw new ArgumentException("mean and scale differ in length.", nameof(scale));
        return new(mean, scale, true);
    }

    /// <summary>
    /// Fits μ and σ on <paramref name="data"/> (the training rows), without overflow: each feature is
    /// first divided by 2^e, the power of two at or just below its largest magnitude, so every scaled
    /// value u = x / 2^e has |u| &lt; 2, the sum of N of them and their squared deviations stay far from
    /// the double range; then μ = 2^e · mean(u) and σ = 2^e · sd(u). Division by a power of two is exact
    /// (barring values that fall below the normal range, 2^-1022), so for ordinary data μ and σ are bit
    /// for bit those of the unscaled two-pass formula. Features whose σ is 0 or below the normal range
    /// are divided by 1.
    /// </summary>
    /// <exception cref="DataException">μ or σ cannot be represented, or a standardized training value (x − μ) / σ is
    /// not finite.</exception>
    public static Standardization Fit(Dataset data)
    {
        int D = data.FeatureCount, N = data.Count;
        var mean = new double[D];
        var scale = new double[D];
        for (int d = 0; d < D; d++)
        {
            double largest = 0;
            for (int n = 0; n < N; n++) largest = Math.Max(largest, Math.Abs(data.Features[n][d]));
            if (N == 0 || largest == 0)
            {
                scale[d] = 1;
                continue;
            }
            int e = Math.ILogB(largest);
            double sum = 0;
            for (int n = 0; n < N; n++) sum += Math.ScaleB(data.Features[n][d], -e);
            double mu = sum / N;
            double ss = 0;
            for (int n = 0; n < N; n++)
            {
                double t = Math.ScaleB(data.Features[n][d], -e) - mu;
                ss += t * t;
            }
            double sigma = Math.ScaleB(Math.Sqrt(ss / N), e);
            mean[d] = Math.ScaleB(mu, e);
            scale[d] = sigma >= double.Epsilon * (1L << 52) ? sigma : 1;
            if (!double.IsFinite(mean[d]) || !double.IsFinite(scale[d]))
                throw new DataException(data.Source, 0, 0,
                    $"feature '{data.FeatureNames[d]}' spans values too large to standardize (its mean or spread is " +
                    $"beyond ±1.8e308); rescale the column (for example divide it by 1e10).");
        }
        var st = new Standardization(mean, scale, true);
        st.CheckRepresentable(data, Precision.Float64);
        return st;
    }

    /// <summary>
    /// Checks that every value of <paramref name="data"/> after this transform is finite in
    /// <paramref name="precision"/> (|x′| ≤ 3.4e38 for float32), so training starts from representable
    /// inputs instead of failing at epoch 1.
    /// </summary>
    /// <exception cref="DataException">A value, named by row and feature, is out of range.</exception>
    public void CheckRepresentable(Dataset data, Precision precision)
    {
        double limit = precision == Precision.Float32 ? float.MaxValue : double.MaxValue;
        for (int n = 0; n < data.Count; n++)
        {
            double[] row = data.Features[n];
            for (int d = 0; d < row.Length; d++)
            {
                double v = Apply(row[d], d);
                if (Math.Abs(v) <= limit) continue;
                string raw = row[d].ToString("G4", CultureInfo.InvariantCulture);
                string what = Enabled ?
                    $"{raw}, which standardizes to {v.ToString("G4", CultureInfo.InvariantCulture)}," : raw;
                string fix = precision == Precision.Float32
                    ? (Enabled ? "train in float64 precision" :
                        "standardize the features (z-score), or train in float64 precision")
                    : "rescale the column (for example divide it by 1e10)";
                throw new DataException(data.Source, 0, 0,
                    $"feature '{data.FeatureNames[d]}' has the value {what} beyond the range of " +
                        $"{(precision == Precision.Float32 ? "float32 (about ±3.4e38)" : "a double (about ±1.8e308)")}; {fix}.");
            }
        }
    }

    /// <summary>
    /// Refuses, before any training, data that the run could not represent: fits (or takes
    /// <paramref name="given"/>, from initial weights) the transform the trainer will use and checks
    /// the training and test rows after it against the range of <see cref="TrainingOptions.Precision"/>.
    /// </summary>
    /// <exception cref="DataException">A value is out of range (see <see cref="CheckRepresentable"/>).</exception>
    public static void CheckTrainable(Dataset train, Dataset? test, TrainingOptions options, Standardization? given)
    {
        Standardization st = given ?? (options.Standardize ? Fit(train) : None(train.FeatureCount));
        st.CheckRepresentable(train, options.Precision);
        if (test is not null) st.CheckRepresentable(test, options.Precision);
    }

    /// <summary>x′_d = (x_d − μ_d) / σ_d for one row.</summary>
    public double Apply(double x, int d) => Enabled ? (x - Mean[d]) / Scale[d] : x;
}
