namespace IrisNet.Training;

/// <summary>
/// The project's random number generator: SplitMix64 (Steele, Lea and Flood 2014), chosen because
/// it is five lines long and easy to reproduce exactly in another language.
/// state ← state + 0x9E3779B97F4A7C15; z ← state; z ← (z ⊕ (z ≫ 30))·0xBF58476D1CE4E5B9;
/// z ← (z ⊕ (z ≫ 27))·0x94D049BB133111EB; output z ⊕ (z ≫ 31).
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts the sequence at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The independent stream used for one purpose: seed ⊕ (purpose · 0xD1B54A32D192ED03).</summary>
    public static SplitMix64 Stream(ulong seed, RandomStream purpose) => new(seed ^ ((ulong)purpose
        * 0xD1B54A32D192ED03UL));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double in [0, 1): the top 53 bits of <see cref="NextUInt64"/> times 2⁻⁵³.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An integer in [0, <paramref name="bound"/>): ⌊NextDouble() · bound⌋.</summary>
    public int NextInt(int bound) => (int)(NextDouble() * bound);

    /// <summary>Fisher–Yates shuffle: for i from n−1 down to 1, swap item i with item NextInt(i + 1).</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
