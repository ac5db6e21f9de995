namespace IrisNet;

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

    /// <summary>Fits μ and σ on <paramref name="data"/> (the training rows).</summary>
    public static Standardization Fit(Dataset data)
    {
        int D = data.FeatureCount, N = data.Count;
        var mean = new double[D];
        var scale = new double[D];
        for (int d = 0; d < D; d++)
        {
            double sum = 0;
            for (int n = 0; n < N; n++) sum += data.Features[n][d];
            double mu = N > 0 ? sum / N : 0;
            double ss = 0;
            for (int n = 0; n < N; n++)
            {
                double t = data.Features[n][d] - mu;
                ss += t * t;
            }
            double sigma = N > 0 ? Math.Sqrt(ss / N) : 0;
            mean[d] = mu;
            scale[d] = sigma > 0 ? sigma : 1;
        }
        return new(mean, scale, true);
    }

    /// <summary>x′_d = (x_d − μ_d) / σ_d for one row.</summary>
    public double Apply(double x, int d) => Enabled ? (x - Mean[d]) / Scale[d] : x;
}
