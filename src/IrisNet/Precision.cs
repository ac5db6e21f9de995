namespace IrisNet;

/// <summary>Arithmetic precision of training and evaluation.</summary>
public enum Precision
{
    /// <summary>double (IEEE 754 binary64), the default.</summary>
    Float64,

    /// <summary>float (IEEE 754 binary32).</summary>
    Float32,
}
