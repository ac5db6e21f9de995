using System.Text.Json.Serialization;
using IrisNet.Models;

namespace IrisNet.Data;

/// <summary>The input transform's kind, as named in files and on the command line (see <see cref="Names"/>).</summary>
[JsonConverter(typeof(NameConverter<StandardizationKind>))]
public enum StandardizationKind
{
    /// <summary>x′_d = (x_d − μ_d) / σ_d with μ, σ fitted on the training rows.</summary>
    [JsonStringEnumMemberName("zscore")]
    ZScore,

    /// <summary>x′ = x.</summary>
    [JsonStringEnumMemberName("none")]
    None,
}
