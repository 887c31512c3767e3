from django.urls import path

from tashil.meetings.views import meetings, resolutions

app_name = "meetings"

urlpatterns = [
    # Meetings and their agendas (views/meetings.py).
    path("", meetings.meeting_list, name="list"),
    path("new/", meetings.meeting_create, name="create"),
    path("<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", meetings.meeting_edit, name="edit"),
    path("<int:pk>/agenda/", meetings.agenda, name="agenda"),
    path("<int:pk>/agenda/cases/", meetings.case_search, name="case_search"),
    path("<int:pk>/agenda/add-case/", meetings.add_case, name="add_case"),
    path("<int:pk>/agenda/add-resolution/", meetings.add_resolution, name="add_resolution"),
    path("<int:pk>/agenda/add-topic/", meetings.add_topic, name="add_topic"),
    path("<int:pk>/agenda/reorder/", meetings.reorder, name="reorder"),
    path("items/<int:item>/", meetings.item_detail, name="item"),
    path("items/<int:item>/move/", meetings.move_item, name="move_item"),
    path("items/<int:item>/remove/", meetings.remove_item, name="remove_item"),
    path("items/<int:item>/resolutions/new/", meetings.draft_resolution, name="draft"),
    path("drafts/<int:pk>/edit/", meetings.edit_draft, name="edit_draft"),
    path("drafts/<int:pk>/delete/", meetings.delete_draft, name="delete_draft"),
    path("<int:pk>/attendance/", meetings.attendance, name="attendance"),
    path("<int:pk>/send-agenda/", meetings.send_agenda, name="send_agenda"),
    path("<int:pk>/close/", meetings.close, name="close"),
    path("<int:pk>/cancel/", meetings.cancel, name="cancel"),
    path("<int:pk>/minutes.pdf", meetings.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/agenda.pdf", meetings.agenda_pdf, name="agenda_pdf"),
    # Resolutions and their follow-up (views/resolutions.py).
    path("resolutions/", resolutions.register, name="register"),
    path("resolutions/agencies/", resolutions.by_agency, name="agencies"),
    path("resolutions/mine/", resolutions.inbox, name="inbox"),
    path("resolutions/<int:pk>/", resolutions.resolution_detail, name="resolution"),
    path("resolutions/<int:pk>/move/", resolutions.resolution_move, name="resolution_move"),
    path("resolutions/<int:pk>/report/", resolutions.report_progress, name="report"),
    path("resolutions/<int:pk>/national/", resolutions.escalate_national, name="national"),
    path(
        "resolutions/<int:pk>/national-letter.pdf",
        resolutions.national_letter,
        name="national_letter",
    ),
    path("evidence/<int:pk>/", resolutions.evidence_download, name="evidence"),
]
