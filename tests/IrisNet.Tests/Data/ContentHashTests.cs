using System.Security.Cryptography;
using IrisNet.Data;
using Xunit;

namespace IrisNet.Tests;

/// <summary>The data files' SHA-256, computed by the project below a megabyte, is the platform's SHA-256.</summary>
public sealed class ContentHashTests
{
    private static string Platform(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void Every_length_around_the_block_and_padding_boundaries_hashes_as_the_platform_does()
    {
        var rng = new Random(11);
        // Lengths 0…300 cover one- and two-block tails (55, 56, 63, 64, 119, 120 …), then some larger ones.
        foreach (int length in Enumerable.Range(0, 301).Concat([1000, 4096, 65_537, 1_000_003]))
        {
            byte[] bytes = new byte[length];
            rng.NextBytes(bytes);
            Assert.Equal(Platform(bytes), ContentHash.Of(bytes));
        }
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ContentHash.Of([]));
    }

    [Fact]
    public void Pieces_of_any_size_on_either_side_of_the_limit_give_the_digest_of_the_whole()
    {
        var rng = new Random(12);
        foreach (int length in new[] { 0, 1, 150, 5_000, ContentHash.SmallLimit, ContentHash.SmallLimit + 1, 3 * ContentHash.SmallLimit + 17 })
        {
            byte[] bytes = new byte[length];
            rng.NextBytes(bytes);
            using var hash = new ContentHash();
            for (int at = 0; at < length;)
            {
                int n = Math.Min(length - at, rng.Next(1, 200_000));
                hash.Append(bytes.AsSpan(at, n));
                at += n;
            }
            Assert.Equal(Platform(bytes), hash.Finish());
            Assert.Equal(Platform(bytes), ContentHash.Of(new MemoryStream(bytes)));
        }
    }

    [Fact]
    public void The_bundled_data_hashes_as_the_platform_does() =>
        Assert.Equal(Platform(File.ReadAllBytes(Repo.IrisCsv)), CsvLoader.LoadLabelledWithHash(Repo.IrisCsv).Sha256);
}
