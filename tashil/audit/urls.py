from django.urls import path

from tashil.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.trail_list, name="list"),
    path("export.<str:fmt>", views.trail_export, name="export"),
]
