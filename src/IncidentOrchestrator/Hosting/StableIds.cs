using System.Security.Cryptography;
using System.Text;

namespace IncidentOrchestrator.Hosting;

/// <summary>An id that follows from a name: every node that names the same thing reaches the same stream, so only one of them can begin it.</summary>
public static class StableIds
{
    public static Guid Of(string name) => new(SHA256.HashData(Encoding.UTF8.GetBytes(name))[..16]);
}
