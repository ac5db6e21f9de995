using System.Reflection;
using System.Reflection.Emit;

namespace IrisNet.Tests;

/// <summary>
/// Dependencies point inward: the core references no package, and its reference implementation nothing else
/// of the library (docs/architecture.md).
/// </summary>
public class ArchitectureTests
{
    private const string ReferenceNamespace = "IrisNet.Reference";

    /// <summary>
    /// The reference implementation depends on nothing else in the library, so it can be read and
    /// copied on its own: no type of the Reference namespace (nested and compiler-generated types
    /// included) names a type of another IrisNet namespace in its base types, attributes, fields,
    /// signatures, locals or method bodies. Read from the compiled assembly, so a fully qualified name
    /// counts as much as a using.
    /// </summary>
    [Fact]
    public void The_reference_uses_no_other_part_of_the_library()
    {
        Assembly core = typeof(ReferenceNetwork).Assembly;
        Type[] reference = core.GetTypes().Where(t => t.Namespace == ReferenceNamespace).ToArray();
        Assert.Contains(typeof(ReferenceNetwork), reference);
        var uses = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Type type in reference)
        {
            foreach (Type used in TypesUsedBy(type).SelectMany(Parts))
            {
                if (used.Assembly == core && used.Namespace != ReferenceNamespace && !used.IsGenericParameter)
                {
                    Type named = used.IsGenericType ? used.GetGenericTypeDefinition() : used;
                    uses.Add($"{type.FullName} uses {named.FullName}");
                }
            }
        }
        Assert.True(uses.Count == 0,
            $"the reference must depend on nothing else in the library:\n{string.Join('\n', uses)}");
    }

    /// <summary>
    /// Every type <paramref name="type"/> names outside its method bodies, and the types of every type,
    /// field and method its IL refers to.
    /// </summary>
    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic
            | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is not null) yield return type.BaseType;
        foreach (Type i in type.GetInterfaces()) yield return i;
        foreach (Type t in AttributeTypes(type.GetCustomAttributesData())) yield return t;
        foreach (FieldInfo field in type.GetFields(All))
        {
            yield return field.FieldType;
            foreach (Type t in AttributeTypes(field.GetCustomAttributesData())) yield return t;
        }
        foreach (PropertyInfo property in type.GetProperties(All)) yield return property.PropertyType;
        foreach (MethodBase method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo m) yield return m.ReturnType;
            foreach (ParameterInfo p in method.GetParameters()) yield return p.ParameterType;
            foreach (Type t in AttributeTypes(method.GetCustomAttributesData())) yield return t;
            MethodBody? body = method.GetMethodBody();
            if (body is null) continue;
            foreach (LocalVariableInfo local in body.LocalVariables) yield return local.LocalType;
            foreach (Type t in TypesInIL(method, body.GetILAsByteArray()!)) yield return t;
        }
    }

    private static IEnumerable<Type> AttributeTypes(IEnumerable<CustomAttributeData> attributes)
    {
        foreach (CustomAttributeData a in attributes)
        {
            yield return a.AttributeType;
            IEnumerable<CustomAttributeTypedArgument> arguments =
                a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue));
            foreach (CustomAttributeTypedArgument arg in arguments)
            {
                if (arg.Value is Type t) yield return t;
                if (arg.Value is IEnumerable<CustomAttributeTypedArgument> items)
                    foreach (Type u in items.Select(i => i.Value).OfType<Type>()) yield return u;
            }
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>
    /// The types that the tokens of an IL body refer to, and the declaring and signature types of the
    /// fields and methods they refer to.
    /// </summary>
    private static IEnumerable<Type> TypesInIL(MethodBase method, byte[] il)
    {
        Type[]? typeArguments = method.DeclaringType!.IsGenericType ? method.DeclaringType.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            OpCode op = OpCodesByValue[value];
            at += op.Size;
            bool member = op.OperandType is OperandType.InlineField or OperandType.InlineMethod
                or OperandType.InlineTok or OperandType.InlineType;
            int token = member ? BitConverter.ToInt32(il, at) : 0;
            at += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
            if (token == 0) continue;
            switch (method.Module.ResolveMember(token, typeArguments, methodArguments))
            {
                case Type t:
                    yield return t;
                    break;
                case FieldInfo f:
                    yield return f.DeclaringType!;
                    yield return f.FieldType;
                    break;
                case MethodBase m:
                    yield return m.DeclaringType!;
                    if (m is MethodInfo mi) yield return mi.ReturnType;
                    foreach (ParameterInfo p in m.GetParameters()) yield return p.ParameterType;
                    if (m.IsGenericMethod) foreach (Type a in m.GetGenericArguments()) yield return a;
                    break;
            }
        }
    }

    /// <summary>
    /// A type and every type it is built from: element types of arrays, pointers and references, and
    /// generic arguments.
    /// </summary>
    private static IEnumerable<Type> Parts(Type type)
    {
        yield return type;
        if (type.HasElementType)
            foreach (Type t in Parts(type.GetElementType()!)) yield return t;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            foreach (Type t in type.GetGenericArguments().SelectMany(Parts)) yield return t;
    }

    [Fact]
    public void The_core_library_references_no_package_assemblies()
    {
        AssemblyName[] references = typeof(Network<,>).Assembly.GetReferencedAssemblies();
        Assert.NotEmpty(references);
        string[] foreign = references.Select(r => r.Name!).Where(n => !(n.StartsWith("System",
            StringComparison.Ordinal) || n is "netstandard" or "mscorlib" or "Microsoft.Win32.Primitives")).ToArray();
        Assert.Empty(foreign);
    }

    [Fact]
    public void The_data_edge_draws_nothing_and_prints_nothing()
    {
        string[] names = typeof(IrisNet.Data.CsvLoader).Assembly.GetReferencedAssemblies().Select(r
            => r.Name!).ToArray();
        Assert.Contains("CsvHelper", names);
        Assert.DoesNotContain(names, n => n.StartsWith("ScottPlot", StringComparison.Ordinal) || n.StartsWith("Spectre",
            StringComparison.Ordinal) || n.StartsWith("SkiaSharp", StringComparison.Ordinal));
    }

    [Fact]
    public void No_public_type_has_members_or_parameters_whose_names_differ_only_by_case()
    {
        const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static |
            BindingFlags.DeclaredOnly;
        var clashes = new List<string>();
        Type[] types = [.. typeof(Network<,>).Assembly.GetExportedTypes(),
            .. typeof(IrisNet.Data.CsvLoader).Assembly.GetExportedTypes()];
        Assert.NotEmpty(types);
        foreach (Type type in types)
        {
            // Members of one type (overloads share a name exactly, so they are not clashes).
            foreach (var group in type.GetMembers(Public).Select(m => m.Name).Distinct().GroupBy(n
                => n.ToUpperInvariant()).Where(g => g.Count() > 1))
                clashes.Add($"{type.FullName}: {string.Join(", ", group)}");
            // Parameters of each public method or constructor (named arguments are case-insensitive in some languages).
            foreach (MethodBase method in type.GetMethods(Public).Cast<MethodBase>().Concat(type.GetConstructors()))
            {
                foreach (var group in method.GetParameters().Select(p => p.Name ?? "").GroupBy(n
                    => n.ToUpperInvariant()).Where(g => g.Count() > 1))
                    clashes.Add($"{type.FullName}.{method.Name}({string.Join(", ", group)})");
            }
        }
        Assert.Empty(clashes);
    }

    [Fact]
    public void The_core_library_speaks_of_its_own_properties_not_of_command_line_flags()
    {
        // The command line maps property names to its options (ModelOptionSet.Describe); a flag in a
        // core message would be wrong for every other caller of the library.
        string core = Path.Combine(Repo.Root, "src", "IrisNet");
        var flags = new List<string>();
        foreach (string file in Directory.EnumerateFiles(core, "*.cs",
            SearchOption.AllDirectories).Where(f =>
            !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal)) continue;
                if (System.Text.RegularExpressions.Regex.IsMatch(code, "\"[^\"]*--[a-z]"))
                    flags.Add($"{Path.GetRelativePath(core, file)}:{i + 1}: {code}");
            }
        }
        Assert.NotEmpty(Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories));
        Assert.Empty(flags);
    }
}
