from tashil.figures.views import dashboard, reports

app_name = "figures"

# Each view module owns its patterns: the dashboard, county comparison and scorecard pages in
# `dashboard`, the weekly report and the press brief in `reports`.
urlpatterns = [*dashboard.urlpatterns, *reports.urlpatterns]
