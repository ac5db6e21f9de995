using System.Numerics;
using IrisNet.Kernels;

namespace IrisNet;

/// <summary>
/// Weights to start from: A (H×D) and B (C×H) as rows, and a, b when biases are on. Comes from a
/// saved model or a plain weights file; a saved model also carries its standardization.
/// </summary>
/// <param name="A">H rows of D numbers.</param>
/// <param name="a">H numbers, or null without biases.</param>
/// <param name="B">C rows of H numbers.</param>
/// <param name="b">C numbers, or null without biases.</param>
/// <param name="Standardization">The input transform the weights were trained with, or null to fit one.</param>
/// <param name="Activation">The activation the weights were trained with, or null when the file does not say.</param>
public sealed record InitialWeights(double[][] A, double[]? a, double[][] B, double[]? b, Standardization? Standardization = null,
    Activation? Activation = null)
{
    /// <summary>H, the number of rows of A.</summary>
    public int Hidden => A.Length;

    /// <summary>Checks the shapes against D, C and the bias option; the message names the field and the fix.</summary>
    /// <exception cref="ModelFileException">A shape does not fit.</exception>
    public void Validate(int D, int C, bool bias, string? file)
    {
        int H = A.Length;
        if (H == 0) throw new ModelFileException(file, "\"A\" has no rows; it must have H rows of D numbers.");
        for (int i = 0; i < H; i++)
        {
            if (A[i].Length != D)
                throw new ModelFileException(file, $"\"A\" row {i + 1} has {A[i].Length} numbers, but the data has D = {D} features.");
        }
        if (B.Length != C)
            throw new ModelFileException(file, $"\"B\" has {B.Length} rows, but the data has C = {C} classes.");
        for (int j = 0; j < C; j++)
        {
            if (B[j].Length != H)
                throw new ModelFileException(file, $"\"B\" row {j + 1} has {B[j].Length} numbers, but \"A\" has H = {H} rows.");
        }
        if (bias)
        {
            if (a is null || b is null)
                throw new ModelFileException(file, "biases are on, so \"a\" (H numbers) and \"b\" (C numbers) are required; add them or use --bias false.");
            if (a.Length != H) throw new ModelFileException(file, $"\"a\" has {a.Length} numbers; it needs H = {H}.");
            if (b.Length != C) throw new ModelFileException(file, $"\"b\" has {b.Length} numbers; it needs C = {C}.");
        }
        else if (a is not null || b is not null)
        {
            throw new ModelFileException(file, "biases are off, but the file has \"a\" or \"b\"; remove them or use --bias true.");
        }
        if (Standardization is not null && Standardization.Mean.Count != D)
            throw new ModelFileException(file, $"the standardization has {Standardization.Mean.Count} features; the data has {D}.");
    }
}
