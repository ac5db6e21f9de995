using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace IrisNet.Models;

/// <summary>
/// Reads a JSON file through a generated <see cref="JsonTypeInfo{T}"/> with strict options and, when
/// the serializer refuses it, says why in the file's own terms: the field path as the file spells it,
/// what is wrong, the line and column. The runtime's exception decides that the file is wrong; its
/// English message is never read. The reason comes from a second pass, run only then, that walks the
/// text with <see cref="Utf8JsonReader"/> beside the contract (the generated metadata and options): an
/// unknown or repeated field where the options refuse them, a missing required one, a value of the
/// wrong kind, is found where the serializer found it. Leaf values are read by the serializer itself,
/// so what counts as a whole number or a name stays its decision (and the converters'); a converter of
/// IrisNet's explains itself with a <see cref="JsonValueException"/>. One rule is added: a file is read
/// as strictly as it is written, where a null member is left out, so a null is refused (the serializer
/// would take it as an absent optional member or element) except for a member written as null, marked
/// <c>[JsonIgnore(Condition = JsonIgnoreCondition.Never)]</c>; the pass also runs when the text holds a null.
/// </summary>
public static class StrictJson
{
    /// <summary>
    /// The value of <paramref name="utf8"/> (a leading byte order mark is skipped), or the exception
    /// <paramref name="error"/> makes of the first problem.
    /// </summary>
    /// <typeparam name="T">The file's type.</typeparam>
    public static T Read<T>(ReadOnlySpan<byte> utf8, JsonTypeInfo<T> type, Func<JsonProblem, Exception> error)
        where T : class
    {
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(utf8, type);
        }
        catch (JsonException e)
        {
            throw error(Diagnose(utf8, type) ?? Unexplained(e));
        }
        // A null the serializer took as an absent optional member, or as an element, is refused too.
        if (value is null || ContainsNull(utf8))
        {
            JsonProblem? problem = Diagnose(utf8, type);
            if (problem is not null) throw error(problem);
        }
        return value ?? throw error(new JsonProblem("$", "must not be null; it must be a JSON object", 1, 1));
    }

    private static bool ContainsNull(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOf("null"u8) < 0) return false;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 1024 });
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.Null) return true;
        }
        return false;
    }

    /// <summary>
    /// The top-level string field <paramref name="name"/> and the top-level whole-number field
    /// <paramref name="number"/>, read before anything else (null when absent, of another kind, or
    /// after a syntax error), so a file of another format or version is refused by those fields.
    /// </summary>
    public static (bool HasName, string? Name, int? Number) Header(ReadOnlySpan<byte> utf8, string name, string number)
    {
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        bool has = false;
        string? text = null;
        int? whole = null;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (false, null, null);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isName = reader.ValueTextEquals(name), isNumber = reader.ValueTextEquals(number);
                reader.Read();
                has |= isName;
                if (isName && reader.TokenType == JsonTokenType.String) text = reader.GetString();
                else if (isNumber && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int v))
                    whole = v;
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A syntax error: the full read reports it with its position.
        }
        return (has, text, whole);
    }

    /// <summary>
    /// The first problem of <paramref name="utf8"/> against the contract of <paramref name="root"/>, or null.
    /// </summary>
    public static JsonProblem? Diagnose(ReadOnlySpan<byte> utf8, JsonTypeInfo root)
    {
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        if (utf8.Trim(" \t\r\n"u8).IsEmpty) return new JsonProblem("$", "the file is empty", 1, 1, Syntax: true);
        int maxDepth = root.Options.MaxDepth == 0 ? 64 : root.Options.MaxDepth;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            MaxDepth = maxDepth,
            CommentHandling = root.Options.ReadCommentHandling,
            AllowTrailingCommas = root.Options.AllowTrailingCommas,
        });
        var walk = new Walk(utf8, root.Options);
        try
        {
            reader.Read();
            walk.Value(ref reader, root, "$", nullIsValue: false);
            walk.Done = true;
            reader.Read(); // throws when more than white space follows the value
            return null;
        }
        catch (ProblemFound found)
        {
            return found.Problem;
        }
        catch (JsonException e)
        {
            return walk.Syntax(e, reader.CurrentDepth, maxDepth);
        }
    }

    /// <summary>
    /// The token under the reader, for "not ...": null, true, the number 1.5, the string "x", an array.
    /// </summary>
    internal static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "a JSON object",
        JsonTokenType.String => $"the string \"{Shorten(Encoding.UTF8.GetString(reader.ValueSpan))}\"",
        JsonTokenType.Number => $"the number {Shorten(Encoding.UTF8.GetString(reader.ValueSpan))}",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    /// <summary>
    /// What the diagnosis could not explain (it should not happen): the serializer's path and place only.
    /// </summary>
    private static JsonProblem Unexplained(JsonException e) =>
        new(e.Path ?? "$", "cannot be read as this field's kind of value", (e.LineNumber ?? 0) + 1,
            (e.BytePositionInLine ?? 0) + 1);

    /// <summary>The first problem, carried out of the recursion.</summary>
    private sealed class ProblemFound(JsonProblem problem) : Exception
    {
        public JsonProblem Problem { get; } = problem;
    }

    /// <summary>
    /// One pass over the text beside the contract; each method leaves the reader on its value's last token.
    /// </summary>
    private ref struct Walk(ReadOnlySpan<byte> utf8, JsonSerializerOptions options)
    {
        private readonly ReadOnlySpan<byte> _utf8 = utf8;

        /// <summary>Set once the top-level value has been read: what fails after it is more text.</summary>
        public bool Done;

        /// <summary>
        /// The value under the reader. <paramref name="nullIsValue"/> where null is one of its values: a
        /// member written as null (marked <c>[JsonIgnore(Condition = JsonIgnoreCondition.Never)]</c>) or an
        /// element of type double?; <paramref name="optional"/> for a member that may be left out.
        /// </summary>
        public void Value(ref Utf8JsonReader reader, JsonTypeInfo info, string path, bool nullIsValue,
            bool optional = false)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                if (nullIsValue) return;
                string? expected = Expected(info);
                // A type only its converter describes: the converter, shown the null, says what it needs.
                if (expected is null) Leaf(ref reader, info, path);
                throw Found(ref reader, path, Null(expected, optional));
            }
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    Object(ref reader, info, path);
                    break;
                case JsonTypeInfoKind.Dictionary:
                    Dictionary(ref reader, info, path);
                    break;
                case JsonTypeInfoKind.Enumerable:
                    Array(ref reader, info, path);
                    break;
                default:
                    Leaf(ref reader, info, path);
                    break;
            }
        }

        private void Object(ref Utf8JsonReader reader, JsonTypeInfo info, string path)
        {
            Expect(ref reader, JsonTokenType.StartObject, info, path);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            bool disallowUnknown =
                (info.UnmappedMemberHandling ?? options.UnmappedMemberHandling) == JsonUnmappedMemberHandling.Disallow;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                string field = Member(path, name);
                JsonPropertyInfo? property = info.Properties.FirstOrDefault(p => p.Name == name);
                if (property is null && !disallowUnknown)
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                if (property is null)
                {
                    string fields = string.Join(", ", info.Properties.Select(p => p.Name));
                    throw Found(ref reader, field,
                        $"unknown field \"{name}\"; the fields here are {fields}; check its spelling");
                }
                if (!seen.Add(name) && !options.AllowDuplicateProperties)
                    throw Found(ref reader, field, "appears twice; each field may appear once");
                reader.Read();
                JsonTypeInfo type = options.GetTypeInfo(property.PropertyType);
                Value(ref reader, type, field, NullIsWritten(property), optional: !property.IsRequired);
            }
            string[] missing = info.Properties.Where(p => p.IsRequired && !seen.Contains(p.Name))
                .Select(p => $"\"{p.Name}\"").ToArray();
            if (missing.Length == 1) throw Found(path, $"the field {missing[0]} is missing");
            if (missing.Length > 1) throw Found(path, $"the fields {string.Join(", ", missing)} are missing");
        }

        /// <summary>
        /// path.name, or path['name'] (as JSONPath writes it) when the name is not letters, digits and _.
        /// </summary>
        private static string Member(string path, string name) =>
            name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? $"{path}.{name}"
                : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

        private void Dictionary(ref Utf8JsonReader reader, JsonTypeInfo info, string path)
        {
            Expect(ref reader, JsonTokenType.StartObject, info, path);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            JsonTypeInfo element = options.GetTypeInfo(info.ElementType!);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = Member(path, reader.GetString()!);
                if (!seen.Add(key) && !options.AllowDuplicateProperties)
                    throw Found(ref reader, key, "appears twice; each key may appear once");
                reader.Read();
                Value(ref reader, element, key, nullIsValue: false);
            }
        }

        private void Array(ref Utf8JsonReader reader, JsonTypeInfo info, string path)
        {
            Expect(ref reader, JsonTokenType.StartArray, info, path);
            JsonTypeInfo element = options.GetTypeInfo(info.ElementType!);
            bool nullIsValue = Nullable.GetUnderlyingType(element.Type) is not null;
            int i = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                Value(ref reader, element, $"{path}[{i++}]", nullIsValue);
        }

        /// <summary>
        /// A value the serializer reads whole: a number, string or boolean, or a type with a converter (a
        /// name, a trace value).
        /// </summary>
        private void Leaf(ref Utf8JsonReader reader, JsonTypeInfo info, string path)
        {
            string? expected = Expected(info);
            bool structure = reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject;
            if (Scalar(info.Type) is not null && structure)
                throw Found(ref reader, path, $"must be {expected}, not {Describe(ref reader)}");
            // A converter reads past this token: a syntax error inside the value comes first, as in the serializer.
            Utf8JsonReader probe = reader;
            probe.Skip();
            Utf8JsonReader start = reader;
            try
            {
                JsonSerializer.Deserialize(ref reader, info);
            }
            catch (JsonValueException e)
            {
                // The converter read a reader scoped to this value, so its offset counts from the value's first byte.
                throw Found(start.TokenStartIndex + e.Offset, path + e.InnerPath, e.Message);
            }
            catch (JsonException)
            {
                throw Found(ref start, path,
                    expected is null ? "cannot be read here" : $"must be {expected}, not {Describe(ref start)}");
            }
        }

        private void Expect(ref Utf8JsonReader reader, JsonTokenType token, JsonTypeInfo info, string path)
        {
            if (reader.TokenType != token)
                throw Found(ref reader, path, $"must be {Expected(info)}, not {Describe(ref reader)}");
        }

        private static string Null(string? expected, bool optional) =>
            "must not be null" + (expected is null ? "" : $"; it must be {expected}")
            + (optional ? ", or be left out" : "");

        /// <summary>Whether the member is written as null when it is null, so null is one of its values.</summary>
        private static bool NullIsWritten(JsonPropertyInfo property) =>
            property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), false)
                .Any(a => ((JsonIgnoreAttribute)a).Condition == JsonIgnoreCondition.Never) == true;

        /// <summary>
        /// What a value of this type looks like, in a message's words, or null when its converter says it.
        /// </summary>
        private string? Expected(JsonTypeInfo info) => info.Kind switch
        {
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "a JSON object",
            JsonTypeInfoKind.Enumerable => "an array of " + Plural(options.GetTypeInfo(info.ElementType!)),
            _ => Scalar(info.Type) ?? (info.Type.GetElementType() is Type element && info.Type.IsArray
                ? "an array of " + Plural(options.GetTypeInfo(element))
                : null),
        };

        private static string? Scalar(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            return type == typeof(double) || type == typeof(float) ? "a finite number"
                : type == typeof(int) || type == typeof(long) ? "a whole number"
                : type == typeof(ulong) || type == typeof(uint) ? "a whole number ≥ 0"
                : type == typeof(bool) ? "true or false"
                : type == typeof(string) ? "a string"
                : null;
        }

        private string Plural(JsonTypeInfo element)
        {
            Type type = Nullable.GetUnderlyingType(element.Type) ?? element.Type;
            bool whole = type == typeof(int) || type == typeof(long) || type == typeof(ulong) || type == typeof(uint);
            return element.Kind switch
            {
                JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "JSON objects",
                JsonTypeInfoKind.Enumerable => $"rows (arrays of {Plural(options.GetTypeInfo(element.ElementType!))})",
                _ => type == typeof(double) || type == typeof(float) ? "numbers"
                    : whole ? "whole numbers"
                    : type == typeof(string) ? "strings"
                    : "values",
            };
        }

        private ProblemFound Found(ref Utf8JsonReader reader, string path, string what) =>
            Found(reader.TokenStartIndex, path, what);

        private ProblemFound Found(long offset, string path, string what)
        {
            var (line, column) = Position(offset);
            return new ProblemFound(new JsonProblem(path, what, line, column));
        }

        private static ProblemFound Found(string path, string what) => new(new JsonProblem(path, what, 0, 0));

        /// <summary>The syntax error the reader stopped at, said from the text around it.</summary>
        public JsonProblem Syntax(JsonException e, int depth, int maxDepth)
        {
            long line = e.LineNumber ?? 0, byteInLine = e.BytePositionInLine ?? 0;
            int offset = 0;
            for (long l = 0; l < line && offset < _utf8.Length; offset++)
            {
                if (_utf8[offset] == '\n') l++;
            }
            offset = (int)Math.Min(_utf8.Length, offset + byteInLine);
            ReadOnlySpan<byte> rest = _utf8[offset..];
            string what =
                Done ? "there is more text after the end of the JSON document"
                : rest.TrimStart(" \t\r\n"u8).IsEmpty
                    ? "the text ends in the middle of the JSON document (is the file truncated?)"
                : rest.StartsWith("NaN"u8) || rest.StartsWith("Infinity"u8) || rest.StartsWith("-Infinity"u8)
                    ? "NaN and Infinity are not JSON numbers; every number must be finite"
                : depth >= maxDepth - 1 && rest[0] is (byte)'[' or (byte)'{' ? $"nested deeper than {maxDepth} levels"
                : $"unexpected {Character(rest)}";
            return new JsonProblem("$", what, line + 1, byteInLine + 1, Syntax: true);
        }

        private static string Character(ReadOnlySpan<byte> rest) =>
            Rune.DecodeFromUtf8(rest, out Rune rune, out _) == OperationStatus.Done && !Rune.IsControl(rune)
                ? $"'{rune}'"
                : $"byte 0x{rest[0]:X2}";

        private (long Line, long Column) Position(long offset)
        {
            ReadOnlySpan<byte> before = _utf8[..(int)offset];
            int lineStart = before.LastIndexOf((byte)'\n') + 1;
            return (before.Count((byte)'\n') + 1, offset - lineStart + 1);
        }
    }
}

/// <summary>
/// A problem found in a JSON file. <paramref name="Path"/> is the field as the file spells it ($ for
/// the whole file, $.training.seed, $.A[0][1]); <paramref name="What"/> says what is wrong, without a
/// final period; <paramref name="Line"/> and <paramref name="Column"/> (1-based, in bytes) are 0 when
/// the problem is not at one place (a missing field). <paramref name="Syntax"/> is set when the text is
/// not JSON at all; then <paramref name="What"/> says what the reader met where it stopped.
/// </summary>
public sealed record JsonProblem(string Path, string What, long Line, long Column, bool Syntax = false)
{
    /// <summary>
    /// The path without its leading <c>$.</c>, or "the file" for $: how model-file messages name a field.
    /// </summary>
    public string Field =>
        Path == "$" ? "the file" : Path.StartsWith("$.", StringComparison.Ordinal) ? Path[2..] : Path[1..];

    /// <summary>"line L, column C" (of the place the reader stopped, for a syntax error).</summary>
    public string Position => $"line {Line}, column {Column}";

    /// <summary>What is wrong, with its place when it has one: "appears twice; ... (line 6, column 24)."</summary>
    public string Sentence => Line > 0 ? $"{What} ({Position})." : $"{What}.";
}

/// <summary>
/// What a converter of IrisNet's throws about the value it reads: its own message (what is wrong,
/// without a final period) and where inside the value the problem is (<c>[1][2]</c>), so
/// <see cref="StrictJson"/> can report it with the full path and the place.
/// </summary>
public sealed class JsonValueException : JsonException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What is wrong, without a final period.</param>
    /// <param name="innerPath">The position inside the value, such as [3], or "" for the value itself.</param>
    /// <param name="offset">
    /// Where the token at fault starts: the converter's <see cref="Utf8JsonReader.TokenStartIndex"/>.
    /// <see cref="StrictJson"/>'s diagnosis has the serializer read such a value alone, which hands the
    /// converter a reader scoped to the value, so this counts from the value's first byte.
    /// </param>
    public JsonValueException(string message, string innerPath = "", long offset = 0) : base(message)
    {
        InnerPath = innerPath;
        Offset = offset;
    }

    /// <summary>The position inside the value, such as [3], or "" for the value itself.</summary>
    public string InnerPath { get; }

    /// <summary>Where the token at fault starts, in bytes from the value's first (see the constructor).</summary>
    public long Offset { get; }
}
