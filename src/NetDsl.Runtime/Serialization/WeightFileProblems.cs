namespace NetDsl;

/// <summary>Turns the shared code's internal exception into the public <see cref="WeightFileException"/>.</summary>
internal static class WeightFileProblems
{
    /// <summary>The public exception for <paramref name="problem"/> (its internal type never escapes).</summary>
    public static WeightFileException ToPublic(Serialization.SafeTensorsFormatException problem) =>
        new(problem.Kind, problem.Message, problem.TensorName);
}
