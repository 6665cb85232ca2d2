package io.trawl.job.ui;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The dashboard's pages ({@code templates/ui/*.html}); a typo in a template fails the build. */
@CheckedTemplate(basePath = "ui")
public final class UiTemplates {

    private UiTemplates() {
    }

    public static native TemplateInstance login(UiViews.Chrome chrome, String next, String error, String csrf);

    public static native TemplateInstance message(UiViews.Chrome chrome, String heading, String detail, String back);

    public static native TemplateInstance jobs(UiViews.Chrome chrome, UiViews.JobsPage page);

    public static native TemplateInstance job(UiViews.Chrome chrome, UiViews.JobPage page);

    public static native TemplateInstance newJob(UiViews.Chrome chrome, UiViews.NewJobPage page);

    public static native TemplateInstance confirm(UiViews.Chrome chrome, UiViews.BulkConfirm page);

    public static native TemplateInstance bulkDone(UiViews.Chrome chrome, UiViews.BulkDone page);

    public static native TemplateInstance schedules(UiViews.Chrome chrome, UiViews.SchedulesPage page);

    public static native TemplateInstance schedule(UiViews.Chrome chrome, UiViews.SchedulePage page);

    public static native TemplateInstance workers(UiViews.Chrome chrome, UiViews.WorkersPage page);
}
