namespace IrisNet.Tests;

/// <summary>
/// Runs <see cref="RunMemoryTests"/> with no other test in parallel: other tests' allocations would
/// count as its retained memory.
/// </summary>
[CollectionDefinition(nameof(RunMemoryTests), DisableParallelization = true)]
public sealed class RunMemoryCollection;
