using IrisNet.Reference;

namespace IrisNet.FastPath;

/// <summary>
/// How <see cref="Network{T, TK}"/> runs the forward and backward pass over a chunk of samples.
/// Both compute Eqs. 1–14 of docs/derivation.md and are tested against <see cref="ReferenceNetwork"/>.
/// </summary>
public enum KernelPath
{
    /// <summary>
    /// One kernel call per step (Eqs. 1, 2, 3, 4–7, 8, 12, 9, 10, 11, 12): any kernels, any shape.
    /// With <see cref="Kernels.ScalarKernels{T}"/> every step is a plain loop.
    /// </summary>
    Separate,

    /// <summary>
    /// The fused sweep (<c>FusedSweep</c>: the forward pass in one sweep over the chunk, the backward
    /// pass in another) where it applies: vector kernels, D ≤ 4 and C ≤ 4 (any activation), which
    /// covers Iris. Any other network runs <see cref="Separate"/>.
    /// </summary>
    Fused,
}
