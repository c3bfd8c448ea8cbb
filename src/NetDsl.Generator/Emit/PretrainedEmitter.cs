using System.Text;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit;

/// <summary>
/// Writes <c>CreatePretrained()</c> and the compiled-in weights it copies: the values as read-only data in the assembly
/// (a <c>ReadOnlySpan&lt;float&gt;</c> over a constant array, which the compiler stores as raw data), so creating the trained
/// network costs no I/O and no parsing.
/// </summary>
internal static class PretrainedEmitter
{
    private const int ValuesPerLine = 8;

    public static void Emit(SourceWriter writer, NetworkPlan plan, float[] parameters, float[] buffers)
    {
        string name = plan.Spec.ClassName;
        string file = Literals.Xml(plan.Spec.WeightsFile ?? string.Empty);
        writer.WriteLine($"/// <summary>Creates the network with the weights of <c>{file}</c>, compiled into the assembly and checked against the layers at build time.</summary>");
        writer.OpenBlock($"public static {name} CreatePretrained()");
        writer.WriteLine($"{name} network = new(seed: 0);");
        writer.WriteLine("PretrainedParameters.CopyTo(network._parameters.Span);");
        if (plan.BufferCount > 0)
        {
            writer.WriteLine("PretrainedBuffers.CopyTo(network._buffers);");
        }

        writer.WriteLine("return network;");
        writer.CloseBlock();
        writer.WriteLine();
        EmitValues(writer, "PretrainedParameters", "The parameters of " + file + ", in state_dict order.", parameters);
        if (plan.BufferCount > 0)
        {
            EmitValues(writer, "PretrainedBuffers", "The buffers of " + file + ", in state_dict order.", buffers);
        }
    }

    private static void EmitValues(SourceWriter writer, string property, string summary, float[] values)
    {
        writer.WriteLine($"// {summary}");
        EmitReadOnlyData(writer, "float", property, values.Length, ValuesPerLine, i => Literals.Float(values[i]));
    }

    /// <summary>
    /// <c>private static ReadOnlySpan&lt;T&gt; Property =&gt; new T[] { ... };</c> with <paramref name="perLine"/> elements a line:
    /// the compiler stores such a constant array as raw data in the assembly and the span reads it in place.
    /// </summary>
    internal static void EmitReadOnlyData(SourceWriter writer, string elementType, string property, int count, int perLine, System.Func<int, string> element)
    {
        writer.WriteLine($"private static global::System.ReadOnlySpan<{elementType}> {property} => new {elementType}[]");
        writer.OpenBlock();
        var line = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            line.Append(element(i)).Append(',');
            if ((i + 1) % perLine == 0 || i == count - 1)
            {
                writer.WriteLine(line.ToString());
                line.Clear();
            }
            else
            {
                line.Append(' ');
            }
        }

        writer.CloseBlock(";");
        writer.WriteLine();
    }
}
