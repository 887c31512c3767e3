"""Each page group keeps its routes beside its views; this module only joins them."""

from tashil.investments.views import exports, imports, projects, shares, visits

app_name = "investments"

urlpatterns = [
    *projects.urlpatterns,
    *exports.urlpatterns,
    *imports.urlpatterns,
    *visits.urlpatterns,
    *shares.urlpatterns,
]
