using System.Text.Json.Serialization;
using IrisNet.Models;

namespace IrisNet.FastPath;

/// <summary>Arithmetic precision of training and evaluation; each member's name is its attribute (see <see
/// cref="Names"/>).</summary>
[JsonConverter(typeof(NameConverter<Precision>))]
public enum Precision
{
    /// <summary>double (IEEE 754 binary64), the default.</summary>
    [JsonStringEnumMemberName("float64")]
    Float64,

    /// <summary>float (IEEE 754 binary32).</summary>
    [JsonStringEnumMemberName("float32")]
    Float32,
}
