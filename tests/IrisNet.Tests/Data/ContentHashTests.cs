using System.Text;
using IrisNet.Data;
using Xunit;

namespace IrisNet.Tests;

/// <summary>
/// The SHA-256 a data file is recorded under (model.json, summary.json) is the file's: the published
/// test vectors of FIPS 180-2 (appendix B) and the empty input, and the digest sha256sum gives for
/// data/iris.csv.
/// </summary>
public sealed class ContentHashTests
{
    public static TheoryData<string, int, string> Vectors => new()
    {
        { "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        {
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        },
        { "a", 1_000_000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_published_test_vectors_hash_to_their_digests_whole_in_pieces_and_from_a_stream(
        string text, int repeat, string digest)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(text, repeat)));
        Assert.Equal(digest, ContentHash.Of(bytes));
        Assert.Equal(digest, ContentHash.Of(new MemoryStream(bytes)));
        var rng = new Random(12);
        using var hash = new ContentHash();
        for (int at = 0; at < bytes.Length;)
        {
            int n = Math.Min(bytes.Length - at, rng.Next(1, 70_000));
            hash.Append(bytes.AsSpan(at, n));
            at += n;
        }
        Assert.Equal(digest, hash.Finish());
    }

    [Fact]
    public void The_bundled_data_is_recorded_under_the_digest_sha256sum_gives() =>
        Assert.Equal("9cc1c345c71bcc9b486b74cbf6063fa66f4bb5e0f603a4b3c3471ec2e5e8e355",
            CsvLoader.LoadLabelledWithHash(Repo.IrisCsv).Sha256);
}
