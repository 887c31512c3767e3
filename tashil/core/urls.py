from django.urls import path

from tashil.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("reference/", views.reference, name="reference"),
    path("calendar/", views.working_days, name="working_days"),
]
