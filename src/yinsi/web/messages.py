"""The pages' words, in Simplified Chinese and English; Traditional Chinese is derived with OpenCC (as the
rendered policy is), so the two Chinese texts cannot drift apart."""

from __future__ import annotations

import functools

import opencc

LANGS = ("zh-CN", "zh-TW", "en")
LANG_NAMES = {"zh-CN": "简体中文", "zh-TW": "繁體中文", "en": "English"}

WORDS: dict[str, tuple[str, str]] = {
    "centre": ("隐私中心", "Privacy centre"),
    "me": ("我的", "Me"),
    "skip": ("跳到正文", "Skip to content"),
    "language": ("语言", "Language"),
    "login": ("登录", "Log in"),
    "logout": ("退出登录", "Log out"),
    "register": ("注册", "Register"),
    "phone": ("手机号", "Phone number"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "password_hint": ("至少 8 个字符。", "At least 8 characters."),
    "sms_code": ("短信验证码", "SMS code"),
    "send_code": ("获取验证码", "Send me a code"),
    "code_sent": ("验证码已发送，5 分钟内有效。", "A code was sent; it is valid for 5 minutes."),
    "accept_policy": ("我已阅读并同意", "I have read and accept"),
    "the_policy": ("《隐私政策》", "the privacy policy"),
    "new_user_note": (
        "新用户登录即注册，需同意隐私政策。",
        "A new number registers as it logs in: accept the policy first.",
    ),
    "no_account": ("还没有账号？", "No account yet?"),
    "have_account": ("已有账号？", "Have an account?"),
    "third_party": ("其他登录方式", "Other ways to log in"),
    "login_with": ("使用 {name} 登录", "Log in with {name}"),
    "home_title": ("我的隐私", "My privacy"),
    "policy": ("隐私政策", "Privacy policy"),
    "policy_history": ("隐私政策与历史版本", "The privacy policy and its history"),
    "read_policy": ("阅读现行隐私政策", "Read the policy in force"),
    "version": ("版本", "Version"),
    "published": ("发布时间", "Published"),
    "material": ("重大变更", "Material change"),
    "minor_change": ("一般变更", "Minor change"),
    "first_version": ("首个版本", "First version"),
    "what_changed": ("变更内容", "What changed"),
    "reconsent_title": ("隐私政策已更新", "The privacy policy has changed"),
    "reconsent_body": (
        "我们的隐私政策发生了重大变更。在您同意新版本之前，基于同意的处理已暂停。主要变更如下：",
        "Our privacy policy has changed materially. Processing based on your consent is paused until you accept the new version. The main changes:",
    ),
    "accept": ("同意", "Accept"),
    "later": ("稍后再说", "Not now"),
    "accepted": ("已同意", "Accepted"),
    "my_data": ("我的个人信息", "My personal information"),
    "my_data_note": (
        "为保护您的隐私，信息默认部分隐藏。查看完整内容需要再次验证身份。",
        "Your information is partly hidden. To see a value in full, prove again that it is you.",
    ),
    "collected": ("收集时间", "Collected"),
    "kept_until": ("保存至", "Kept until"),
    "kept_purpose": ("按目的需要保存", "As long as the purpose needs"),
    "purposes": ("用途", "Purposes"),
    "show_full": ("查看完整内容", "Show in full"),
    "full_value": ("完整内容", "The whole value"),
    "verify_again": ("再次验证身份", "Verify it is you"),
    "verify_code_note": ("我们会向您的手机发送验证码。", "We send a code to your phone."),
    "verify_password_note": ("请输入您的登录密码。", "Enter your password."),
    "confirm": ("确认", "Confirm"),
    "no_data": ("目前没有您的个人信息。", "We hold no personal information about you now."),
    "consents": ("授权与设置", "Consents and settings"),
    "consents_note": (
        "撤回同意与作出同意一样简单，撤回后立即生效，不影响撤回前的处理。",
        "Withdrawing is as easy as giving; it takes effect at once and does not affect what was done before.",
    ),
    "purposes_consent": ("需要您同意的功能", "Functions that need your consent"),
    "permissions": ("设备权限", "Device permissions"),
    "cookies": ("Cookie 与同类技术", "Cookies and similar technologies"),
    "personalisation": ("个性化推荐", "Personalised recommendations"),
    "status_granted": ("已开启", "On"),
    "status_off": ("未开启", "Off"),
    "turn_on": ("开启", "Turn on"),
    "turn_off": ("关闭", "Turn off"),
    "essential": ("必要，无法关闭", "Essential, always on"),
    "nothing_to_consent": ("隐私政策中没有需要您单独同意的事项。", "The policy has nothing that needs your consent."),
    "requests": ("我的申请", "My requests"),
    "new_request": ("提出新申请", "Make a request"),
    "request_type": ("申请类型", "Type of request"),
    "rt_access": ("查阅我的个人信息", "See my personal information"),
    "rt_copy": ("下载我的个人信息副本", "Download a copy of my data"),
    "rt_correct": ("更正个人信息", "Correct my information"),
    "rt_delete": ("删除个人信息", "Delete my information"),
    "rt_explain": ("解释处理规则", "Explain how my data is processed"),
    "rt_cancel_account": ("注销账号", "Cancel my account"),
    "rt_complain": ("投诉", "Complaint"),
    "rt_next_of_kin": ("近亲属申请", "Next of kin"),
    "rt_withdraw": ("撤回同意", "Withdraw consent"),
    "rt_restrict": ("限制处理", "Restrict processing"),
    "details": ("说明（可选）", "Details (optional)"),
    "field_to_correct": ("要更正的信息", "Item to correct"),
    "new_value": ("正确的内容", "The correct value"),
    "field_to_delete": ("要删除的信息", "Item to delete"),
    "submit": ("提交", "Submit"),
    "state": ("状态", "State"),
    "due": ("答复期限", "Answer due by"),
    "filed": ("提交时间", "Filed"),
    "no_requests": ("您还没有提出过申请。", "You have made no requests."),
    "st_received": ("已受理", "Received"),
    "st_verified": ("已核验", "Verified"),
    "st_in_progress": ("处理中", "In progress"),
    "st_completed": ("已完成", "Completed"),
    "st_refused": ("已拒绝", "Refused"),
    "st_withdrawn": ("已撤回", "Withdrawn"),
    "overdue": ("已超期", "Overdue"),
    "download": ("下载副本", "Download the copy"),
    "download_note": ("链接仅限本人使用，到期失效。", "The link works only for you and expires."),
    "blockers": ("注销前需要处理的事项", "To settle before cancelling"),
    "what_to_do": ("处理方法", "What to do"),
    "proceed": ("已处理，继续注销", "Settled: continue the cancellation"),
    "withdraw_request": ("撤回申请", "Withdraw the request"),
    "answer": ("答复", "Answer"),
    "back": ("返回", "Back"),
    "complaint": ("投诉与建议", "Complaint"),
    "complaint_note": (
        "请描述您遇到的问题。我们会在期限内答复，您也可以向监管部门投诉。",
        "Tell us what went wrong. We answer within the deadline; you may also complain to the regulator.",
    ),
    "complaint_text": ("投诉内容", "Your complaint"),
    "access_log": ("我的登录记录", "My access log"),
    "login_at": ("登录时间", "Logged in"),
    "logout_at": ("退出时间", "Logged out"),
    "method": ("方式", "Method"),
    "address": ("IP 地址", "IP address"),
    "m_sms_code": ("短信验证码", "SMS code"),
    "m_password": ("密码", "Password"),
    "m_password_code": ("密码和短信验证码", "Password and SMS code"),
    "m_third_party": ("第三方账号", "Third-party account"),
    "m_handover": ("从应用打开", "Opened from the app"),
    "guardians": ("监护人与被监护人", "Guardians and wards"),
    "guardian_note": (
        "未满 14 周岁的用户需要监护人同意。请填写监护人的手机号，监护人将收到确认验证码。",
        "A user under 14 needs a guardian's consent. Enter your guardian's phone number; they receive a code to confirm.",
    ),
    "guardian_phone": ("监护人手机号", "Guardian's phone number"),
    "link_guardian": ("邀请监护人", "Invite my guardian"),
    "link_sent": ("确认验证码已发送给监护人。", "A code was sent to your guardian."),
    "confirm_ward": ("我是监护人：输入收到的验证码", "I am a guardian: enter the code I received"),
    "wards": ("我监护的人", "My wards"),
    "no_wards": ("没有。", "None."),
    "next_of_kin": ("近亲属申请", "Next of kin"),
    "next_of_kin_note": (
        "用户去世后，其近亲属为了自身的合法、正当利益，可以对死者的相关个人信息行使查阅、复制、更正、删除等权利（个人信息保护法第四十九条），死者生前另有安排的除外。",
        "After a user's death, their next of kin may, for their own lawful and legitimate interests, access, copy, correct or delete the deceased's relevant PI (PIPL Art. 49), unless the deceased arranged otherwise.",
    ),
    "deceased_phone": ("逝者的手机号", "The deceased's phone number"),
    "relationship": ("与逝者的关系", "Relationship to the deceased"),
    "rel_spouse": ("配偶", "Spouse"),
    "rel_parent": ("父母", "Parent"),
    "rel_child": ("子女", "Child"),
    "rel_sibling": ("兄弟姐妹", "Sibling"),
    "rel_grandparent": ("祖父母、外祖父母", "Grandparent"),
    "rel_grandchild": ("孙子女、外孙子女", "Grandchild"),
    "wants": ("希望行使的权利", "What you want to do"),
    "nk_access": ("查阅逝者的个人信息", "See the deceased's personal information"),
    "nk_copy": ("复制逝者的个人信息", "Get a copy of it"),
    "nk_correct": ("更正逝者的个人信息", "Correct it"),
    "nk_delete": ("删除逝者的个人信息", "Delete it"),
    "statement": ("说明您的合法、正当利益", "Your lawful and legitimate interest"),
    "done": ("已完成。", "Done."),
    "ward_data": ("被监护人的个人信息", "The ward's personal information"),
    "ward_data_note": (
        "作为已关联的监护人，您可以更正、补充或删除被监护人的个人信息；法律要求保存的信息不能删除。",
        "As the linked guardian you may correct, supplement or delete the ward's personal information; what the "
        "law requires to be kept cannot be deleted.",
    ),
    "ward_no_data": ("目前没有被监护人的个人信息。", "We hold no personal information about the ward now."),
    "correct_it": ("更正", "Correct"),
    "delete_it": ("删除", "Delete"),
    "confirm_delete": ("确认删除这一项", "Yes, delete this item"),
    "error_title": ("出错了", "Something went wrong"),
    "provider_failed": ("第三方登录未完成，请重试。", "The third-party login did not complete; please try again."),
    "test_provider_note": (
        "这是代替第三方登录服务的本地测试页面，仅用于演示和测试。",
        "A local page standing in for the login provider, for the demo and tests only.",
    ),
    "test_identifier": ("测试账号 ID", "Test account id"),
    "agree_and_login": ("同意并登录", "Agree and log in"),
    "handover_failed": (
        "无法从应用打开隐私中心，请登录。",
        "The privacy centre could not be opened from the app; please log in.",
    ),
    "not_found": ("页面不存在。", "This page does not exist."),
    "csrf_failed": (
        "表单已过期或来源不明，请返回刷新后重试。",
        "This form has expired or did not come from this site: go back, reload and try again.",
    ),
    "cookie_banner_text": (
        "我们使用 Cookie 及同类技术。必要的 Cookie 始终开启；其他类别在您同意后才会使用。",
        "We use cookies and similar technologies. Essential ones are always on; the others only with your consent.",
    ),
    "accept_all": ("全部接受", "Accept all"),
    "reject_all": ("仅必要", "Essential only"),
    "save_choices": ("保存选择", "Save my choices"),
    "got_it": ("知道了", "Got it"),
    "demo": ("演示：预约服务", "Demo: the booking service"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
}


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")  # as the rendered policy (core.policy.render.OPENCC_CONFIG)


def traditional(text: str) -> str:
    return str(_converter().convert(text))


@functools.cache
def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    if lang == "en":
        return en
    return traditional(zh) if lang == "zh-TW" else zh


def local(zh: str, en: str, lang: str) -> str:
    """A text that comes in Simplified Chinese and English (a Msg, a label of the spec) in ``lang``."""
    if lang == "en":
        return en or zh
    return traditional(zh) if lang == "zh-TW" else zh
