using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;
using NetDsl.Quantization;
using Xunit.Sdk;

namespace NetDsl.Tests.Quantization;

/// <summary>
/// One theory case for one <see cref="Int8Path"/>, passed by name (the enum is internal), skipped with the reason when
/// this machine does not support the path, so a run shows which paths ran and which did not.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class Int8PathDataAttribute : DataAttribute
{
    private readonly string _path;

    public Int8PathDataAttribute(string path)
    {
        _path = path;
        Int8Path parsed = Enum.Parse<Int8Path>(path);
        if (!Int8Paths.IsSupported(parsed))
        {
            Skip = $"Int8Path.{path} is not supported on this machine ({RuntimeInformation.ProcessArchitecture}; the best supported path is {Int8Paths.Best}).";
        }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[_path]];
}
