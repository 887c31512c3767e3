from django.urls import path

from tashil.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("export.<str:fmt>", views.case_export, name="export"),
    path("new/duplicates/", views.duplicates_hint, name="duplicates_hint"),
    path("track/", views.track, name="track"),
    path("secretariat/", views.secretariat_dashboard, name="secretariat"),
    path("inbox/", views.agency_inbox, name="inbox"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="referral_answer"),
    path("referrals/<int:pk>/extend/", views.referral_extend, name="referral_extend"),
    path("<str:tracking>/", views.case_detail, name="detail"),
    path("<str:tracking>/receipt/", views.case_receipt, name="receipt"),
    path("<str:tracking>/move/", views.case_move, name="move"),
    path("<str:tracking>/refer/", views.case_refer, name="refer"),
    path("<str:tracking>/attach/", views.case_attach, name="attach"),
    path("<str:tracking>/results/", views.case_results, name="results"),
]
