namespace NetDsl.Generated;

/// <summary>
/// One element-wise pass over elements <c>[first, end)</c> of operands the pass holds as pointers: the pass of a
/// <see cref="RangeWork{TPass}"/>. Its operands are pinned by whoever starts the run.
/// </summary>
internal interface IRangePass
{
    void Run(int first, int end);
}

/// <summary>
/// An element-wise pass over a large span split over a <see cref="KernelTeam"/> by ranges of elements: each part runs
/// the pass on its range. For the passes that use it (operators whose lanes equal their scalar results, TensorPrimitives
/// functions on parts far longer than a vector, scalar functions), no element's result depends on where its range
/// begins, so the bits do not depend on the split. One instance per pass type and calling thread, reused: a run
/// allocates nothing.
/// </summary>
internal sealed class RangeWork<TPass> : IKernelWork
    where TPass : struct, IRangePass
{
    [System.ThreadStatic]
    private static RangeWork<TPass>? t_work;

    private TPass _pass;
    private int _length;

    /// <summary>Runs <paramref name="pass"/> over <paramref name="length"/> elements on <paramref name="team"/>; the caller keeps the pass's operands pinned until it returns.</summary>
    public static void Run(KernelTeam team, TPass pass, int length)
    {
        RangeWork<TPass> work = t_work ??= new RangeWork<TPass>();
        (work._pass, work._length) = (pass, length);
        try
        {
            team.Run(work);
        }
        finally
        {
            (work._pass, work._length) = (default, 0); // no pointer to unpinned memory outlives the run
        }
    }

    public void Run(int part, int parts) => _pass.Run(KernelTeam.Share(_length, part, parts), KernelTeam.Share(_length, part + 1, parts));
}
