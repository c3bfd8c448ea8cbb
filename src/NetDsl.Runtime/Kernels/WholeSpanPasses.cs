using System;
using System.Threading;

namespace NetDsl.Generated;

/// <summary>
/// Passes over a whole parameter or gradient span between batches (the trainer's finiteness checks and the copy it keeps
/// for undoing a diverged step), split by ranges over a <see cref="KernelTeam"/> while <see cref="DataParallel{TNetwork}"/>
/// lends one and the span is large. Neither does arithmetic, so the split changes no result.
/// </summary>
internal static unsafe class WholeSpanPasses
{
    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        if (values.Length < ElementwiseWork.MinimumFloats || KernelTeam.Current is not { } team)
        {
            return FiniteCheck.IndexOfNonFinite(values);
        }

        int first = int.MaxValue;
        fixed (float* p = values)
        {
            RangeWork<NonFiniteSearch>.Run(team, new NonFiniteSearch(p, &first), values.Length);
        }

        return first == int.MaxValue ? -1 : first;
    }

    /// <summary><c>target[i] = source[i]</c> for every element of <paramref name="source"/>.</summary>
    public static void Copy(ReadOnlySpan<float> source, Span<float> target)
    {
        Guard.Length(target.Length, source.Length, nameof(target));
        if (source.Length < ElementwiseWork.MinimumFloats || KernelTeam.Current is not { } team)
        {
            source.CopyTo(target);
            return;
        }

        fixed (float* s = source, t = target)
        {
            RangeWork<CopyPass>.Run(team, new CopyPass(s, t), source.Length);
        }
    }

    // Each part finds the first non-finite value of its range; the smallest index over the parts is the first overall.
    private readonly struct NonFiniteSearch(float* values, int* first) : IRangePass
    {
        public void Run(int start, int end)
        {
            int found = FiniteCheck.IndexOfNonFinite(new ReadOnlySpan<float>(values + start, end - start));
            if (found < 0)
            {
                return;
            }

            int index = start + found, seen = Volatile.Read(ref *first);
            while (index < seen)
            {
                int previous = Interlocked.CompareExchange(ref *first, index, seen);
                if (previous == seen)
                {
                    return;
                }

                seen = previous;
            }
        }
    }

    private readonly struct CopyPass(float* source, float* target) : IRangePass
    {
        public void Run(int start, int end) => new ReadOnlySpan<float>(source + start, end - start).CopyTo(new Span<float>(target + start, end - start));
    }
}
