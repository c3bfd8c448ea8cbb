using System;

namespace NetDsl.Generator.Diagnostics;

/// <summary>The stages of NetDsl's pipeline, as NDSL0032 names them.</summary>
internal static class PipelineStage
{
    public const string Parse = "parse";
    public const string ShapeInference = "shape inference";
    public const string WeightsFile = "weights file";
    public const string Emission = "emission";
}

/// <summary>
/// NDSL0032: an exception thrown by NetDsl itself, reported as one error on the [Network] attribute instead of leaving
/// the class silently ungenerated. The analyzer reports failures of the stages it runs (parse, shape inference, weights
/// file); the generator reports only what the analyzer cannot see, a failure of emission, so that no failure is reported
/// twice.
/// </summary>
internal static class InternalError
{
    /// <summary>The longest exception message quoted in the diagnostic.</summary>
    private const int MaxMessageLength = 300;

    public static DiagnosticInfo Create(string className, string stage, Exception exception, int networkAttributeIndex) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, networkAttributeIndex, className, stage, Describe(exception));

    /// <summary>The exception's type and message on one line, for example <c>System.InvalidOperationException: boom</c>.</summary>
    public static string Describe(Exception exception)
    {
        string message = exception.Message.Replace("\r", " ").Replace("\n", " ").Trim();
        if (message.Length > MaxMessageLength)
        {
            message = message.Substring(0, MaxMessageLength) + "...";
        }

        return exception.GetType().FullName + (message.Length > 0 ? ": " + message : string.Empty);
    }
}
