using System.Text.Json.Serialization;
using IrisNet.Models;

namespace IrisNet.Data;

/// <summary>The ways a model's data can be split; named as in files (see <see cref="Names"/>).</summary>
[JsonConverter(typeof(NameConverter<SplitMethod>))]
public enum SplitMethod
{
    /// <summary><see cref="Dataset.SplitStratified(double, ulong)"/>: each class shuffled with the seed, the first
    /// round(n_c · fraction) held out.</summary>
    [JsonStringEnumMemberName("stratified")]
    Stratified,
}
