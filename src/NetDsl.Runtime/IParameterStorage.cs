using System.ComponentModel;

namespace NetDsl.Generated;

/// <summary>
/// The storage behind a generated network's <see cref="INetwork.Parameters"/>. <see cref="DataParallel{TNetwork}"/>
/// points its replicas' storage at the network's (<see cref="AlignedStorage.ReadFrom"/>), so that the replicas read the
/// network's parameters in place instead of copying them at every pass; the replicas never write them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IParameterStorage
{
    /// <summary>The storage of the parameters.</summary>
    AlignedStorage ParameterStorage { get; }
}
