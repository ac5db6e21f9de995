using IrisNet.Data;

namespace IrisNet.Tracing;

/// <summary>The rows a trace trains on, as the network sees them.</summary>
/// <param name="X">N rows of D network inputs (after standardization, if any).</param>
/// <param name="Labels">The class index of each row, in [0, C).</param>
/// <param name="Features">The D feature names, or null.</param>
/// <param name="Classes">The C class names, or null.</param>
/// <param name="Rows">For each row of X, its 0-based row number in the data file, or null.</param>
/// <param name="Source">The data file, or null.</param>
/// <param name="Sha256">The SHA-256 of the data file's bytes, or null.</param>
/// <param name="Standardization">The transform that turned the file's features into X, or null.</param>
public sealed record TraceData(double[][] X, int[] Labels, string[]? Features = null, string[]? Classes = null,
    int[]? Rows = null,
    string? Source = null, string? Sha256 = null, Standardization? Standardization = null)
{
    /// <summary>N, the number of rows.</summary>
    public int Count => X.Length;
}
