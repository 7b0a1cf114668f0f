using System.Security.Cryptography;
using System.Text;
using CowStore.Core.Snapshots;
using Xunit;

namespace CowStore.UnitTests.Snapshots;

public sealed class NixBase32Tests
{
    // Vectors from `nix-hash --type sha256 --to-base32 <hex>` (Nix 2.x, Debian 12 nix-bin).
    [Theory]
    [InlineData("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "0000000000000000000000000000000000000000000000000000")]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "07qy3lf1n6hr30bic58l2c91240g1q6hq2qa1440f1h50h1h4080")]
    public void EncodesLikeNixHash(string hex, string expected)
    {
        byte[] digest = Convert.FromHexString(hex);
        Assert.Equal(expected, NixBase32.Encode(digest));
        byte[] decoded = new byte[32];
        Assert.True(NixBase32.TryDecode(expected, decoded));
        Assert.Equal(digest, decoded);
    }

    [Fact]
    public void SnapshotIdOfHelloIsNixRendering()
    {
        Assert.Equal("094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic", SnapshotId.FromDigest(SHA256.HashData(Encoding.ASCII.GetBytes("hello"))));
        Assert.Equal(52, NixBase32.EncodedLength(32));
    }

    [Fact]
    public void RoundTripsRandomDigests()
    {
        var random = new Random(42);
        byte[] digest = new byte[32], back = new byte[32];
        for (int i = 0; i < 200; i++)
        {
            random.NextBytes(digest);
            string text = NixBase32.Encode(digest);
            Assert.True(SnapshotId.IsValid(text));
            Assert.True(NixBase32.TryDecode(text, back));
            Assert.Equal(digest, back);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwi")] // 51
    [InlineData("094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwicc")] // 53
    [InlineData("e94qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic")] // 'e' is not in the alphabet
    [InlineData("094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwiU")]
    [InlineData("2zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")] // 257 bits
    public void RejectsInvalidIds(string text) => Assert.False(SnapshotId.IsValid(text));

    [Fact]
    public void PrefixesNeedFourAlphabetCharacters()
    {
        string id = "094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic";
        Assert.True(SnapshotId.MatchesPrefix(id, "094q"));
        Assert.True(SnapshotId.MatchesPrefix(id, id));
        Assert.False(SnapshotId.MatchesPrefix(id, "094"));
        Assert.False(SnapshotId.MatchesPrefix(id, "094r"));
        Assert.False(SnapshotId.IsValidPrefix("094e"));
    }
}
