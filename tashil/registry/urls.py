from django.urls import path

from tashil.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.company_list, name="company_list"),
    path("export.<str:fmt>", views.company_export, name="company_export"),
    path("new/", views.company_create, name="company_create"),
    path("import/", views.company_import, name="company_import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path(
        "import/template-<str:kind>.<str:fmt>",
        views.import_template,
        name="import_template",
    ),
    path("knowledge-based/", views.knowledge_based, name="knowledge_based"),
    path("knowledge-based/target/", views.target_set, name="target_set"),
    path("certificates/<int:pk>/edit/", views.certificate_edit, name="certificate_edit"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("<str:national_id>/", views.company_detail, name="company_detail"),
    path("<str:national_id>/edit/", views.company_edit, name="company_edit"),
    path("<str:national_id>/history/", views.company_history, name="company_history"),
    path("<str:national_id>/status/", views.part_add, {"part": "status"}, name="company_status"),
    path("<str:national_id>/products/", views.part_add, {"part": "product"}, name="product_add"),
    path("<str:national_id>/licences/", views.part_add, {"part": "licence"}, name="licence_add"),
    path("<str:national_id>/contacts/", views.part_add, {"part": "contact"}, name="contact_add"),
    path("<str:national_id>/certificates/new/", views.certificate_add, name="certificate_add"),
    path("<str:national_id>/<str:part>/<int:pk>/remove/", views.part_remove, name="part_remove"),
]
