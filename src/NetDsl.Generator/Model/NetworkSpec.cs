namespace NetDsl.Generator.Model;

// The parser's output. These records hold only strings, numbers and EquatableArrays - never an ISymbol,
// SyntaxNode or Location - so that they compare by value and the incremental pipeline can cache them.

/// <summary>A [Network] class as the user declared it, before shape inference.</summary>
/// <param name="Namespace">The containing namespace, or null for the global namespace.</param>
/// <param name="ClassName">The class's name.</param>
/// <param name="IsRecord">Whether the class is a <c>record</c>.</param>
/// <param name="ContainingTypes">The types the class is nested in, outermost first.</param>
/// <param name="NetworkAttributeIndex">The index of [Network] among the class's attributes (diagnostics about the class sit there).</param>
/// <param name="UnrollLimit">The largest layer emitted as straight-line code (see NetworkAttribute.UnrollLimit).</param>
/// <param name="Layers">[Input] and the layer attributes, in source order.</param>
/// <param name="WeightsFile">The safetensors file whose weights are compiled in (<c>[Network(Weights = ...)]</c>), or null.</param>
internal sealed record NetworkSpec(
    string? Namespace,
    string ClassName,
    bool IsRecord,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    int NetworkAttributeIndex,
    int UnrollLimit,
    EquatableArray<LayerSpec> Layers,
    string? WeightsFile = null,
    bool Int8 = false,
    string? Int8WeightsFile = null)
{
    /// <summary>The class's name qualified by its namespace and containing types, for messages and file names.</summary>
    public string FullName
    {
        get
        {
            string prefix = Namespace is null ? string.Empty : Namespace + ".";
            foreach (ContainingTypeSpec type in ContainingTypes)
            {
                prefix += type.Name + ".";
            }

            return prefix + ClassName;
        }
    }
}

/// <summary>A type a network class is nested in.</summary>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The name.</param>
/// <param name="TypeParameters">The type parameter list including angle brackets, or an empty string.</param>
internal sealed record ContainingTypeSpec(string Keyword, string Name, string TypeParameters);

/// <summary>One entry of the stack as written.</summary>
/// <param name="Kind">The layer kind.</param>
/// <param name="AttributeIndex">The index of its attribute among the class's attributes.</param>
/// <param name="AttributeName">The attribute's name as the user knows it (<c>Linear</c>), for messages.</param>
/// <param name="ExplicitName">The <c>Name</c> the user gave, or null.</param>
/// <param name="Arguments">The numeric constructor arguments in order (the elements of a params array flattened): the dimensions of [Input]; <c>[out]</c> or <c>[in, out]</c> of Linear; <c>p</c> of Dropout.</param>
/// <param name="Options">The numeric named arguments the user wrote (booleans as 0 and 1).</param>
internal sealed record LayerSpec(
    LayerKind Kind,
    int AttributeIndex,
    string AttributeName,
    string? ExplicitName,
    EquatableArray<double> Arguments,
    EquatableArray<LayerOption> Options)
{
    /// <summary>The named argument <paramref name="name"/>, or <paramref name="defaultValue"/> when the user did not write it.</summary>
    public double Option(string name, double defaultValue)
    {
        foreach (LayerOption option in Options)
        {
            if (option.Name == name)
            {
                return option.Value;
            }
        }

        return defaultValue;
    }

    /// <summary>The integer named argument <paramref name="name"/>, or <paramref name="defaultValue"/>.</summary>
    public int IntOption(string name, int defaultValue) => (int)Option(name, defaultValue);
}

/// <summary>A numeric named argument of a layer attribute.</summary>
internal sealed record LayerOption(string Name, double Value);
