using Marten;

namespace IncidentOrchestrator.Catalogue;

public static class Configuration
{
    public static IServiceCollection AddCatalogue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Catalogue").Get<CatalogueOptions>() ?? new CatalogueOptions());
        services.AddSingleton<CatalogueFolder>();
        services.AddSingleton<DatasetGrantsRead>();
        services.AddSingleton<WhoCouldRead>();
        services.AddHostedService<CatalogueFolderWatcher>();
        services.AddHostedService<DatasetVersionsKept>();
        Hosting.StartupWarnings.Add<DatasetAccess>(services);
        services.AddHealthChecks().AddCheck<Hosting.YamlFolderLoaded<CatalogueFolder>>("catalogue", tags: ["ready"]);
        return services;
    }

    public static StoreOptions ConfigureCatalogue(this StoreOptions opts)
    {
        opts.Schema.For<DatasetVersion>().Index(v => v.Name);
        opts.Schema.For<CatalogueVersion>().Index(v => v.FirstLoadedAt);
        return opts;
    }
}
