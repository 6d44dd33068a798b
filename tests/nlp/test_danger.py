"""nlp.danger: a person in danger now is never missed; past, averted, supposed or pretend danger is not urgent.

Positives are (message, kind, emergency number); every one must be found by the check and come out of
the classifier as an urgent demand. Negatives must find nothing, and the classifier must not call them
urgent. Voices: city estates, villages, old compounds, Cantonese written forms, voice-to-text."""
from __future__ import annotations

import pytest

import nlp
from nlp import danger
from nlp.normalize import normalize

POSITIVES: list[tuple[str, str, str]] = [
    # stop 31, from the second batch's training parts: the place between the words, a poison or a farewell
    # note, a child on an air-conditioner bracket, cold an outage lets into a body, a smell at a lone
    # neighbour's door, water held back or at the cars' wheels, a wire lying in water
    ("我被关在3号楼的电梯里了 手机快没电了", "trapped", "119"),
    ("我妈刚在家晕倒了 现在醒了但说话不清楚 嘴有点歪", "fallen", "120"),
    ("两家为了宅基地吵起来了 都抡起铁锹了", "violence", "110"),
    ("停电了 我听见电梯里有人在拍门喊救命", "trapped", "119"),
    ("卡电梯里了 晚上加班回来 没人", "trapped", "119"),
    ("电梯门开着但轿厢没到 黑洞洞的", "trapped", "119"),
    ("他刚在朋友圈发了像遗书一样的话 电话不接", "self_harm", "110"),  # 朋友圈 with a farewell: no news
    ("我奶奶有点老年痴呆 刚才自己开门跑了", "missing", "110"),
    ("孩子摸了露着的电线被电了一下 人没事但那线还带电", "water_electric", "119"),
    ("有个喝醉的躺在路边睡着了 外面零下十几度", "fallen", "120"),
    ("孩子说爷爷奶奶都睡着叫不起", "fallen", "120"),  # awake is not over when something is wrong
    ("我爸说他刚喝了半瓶敌敌畏 现在在屋里躺着", "self_harm", "110"),
    ("她刚在家族群里发了段像遗书一样的话 电话也不接", "self_harm", "110"),
    ("对面楼阳台外的空调架上蹲着一个小孩", "child", "110"),
    ("停电一整天了 奶奶冻得手脚没知觉了", "fallen", "120"),
    ("隔壁独居的大爷家门口一股臭味 苍蝇也多", "fallen", "120"),
    ("河水漫过来了 门口的沙袋挡不住了", "flood", "119"),
    ("地库的水已经淹到车门了 还在往里灌", "flood", "119"),
    ("电线杆倒了 电线掉进水坑里了 还有小孩在踩水", "water_electric", "119"),
    # trapped
    ("我老公被困在电梯里了，按警铃没人理", "trapped", "119"),
    ("5号楼电梯卡在七楼和八楼中间 里面有人出不来", "trapped", "119"),
    ("救命 我被锁在卫生间里出不来了 手机只剩一格电", "trapped", "119"),
    ("小孩把头卡在栏杆里了 拔不出来", "trapped", "119"),
    ("电梯关人了 有个送外卖的小伙子在里面喊", "trapped", "119"),
    ("我哋阿爷困咗喺𨋢入面啊", "trapped", "119"),
    ("那个老旧电梯又停了 里头困着两个人", "trapped", "119"),
    ("电梯掉下去了 里面有人", "trapped", "119"),
    # fallen, unresponsive
    ("奶奶摔倒在地上起不来了 快来人", "fallen", "120"),
    ("我妈在厕所滑了一跤 爬不起来 我一个人抬不动", "fallen", "120"),
    ("楼下有个老人倒在地上 一动不动的", "fallen", "120"),
    ("3栋2单元的老王晕倒了 嘴唇发紫", "fallen", "120"),
    ("隔壁独居的老太太敲门一天都没人应 电视一直开着", "fallen", "120"),
    ("老爷子叫不醒了 呼吸好弱", "fallen", "120"),
    ("广场上一个大爷突然抽搐 口吐白沫", "fallen", "120"),
    ("阿婆喺屋企跌低咗，起唔到身", "fallen", "120"),
    ("我爸胸口疼得厉害 满头大汗 在3号楼501", "fallen", "120"),
    ("菜市场门口有人晕过去了 谁懂急救", "fallen", "120"),
    ("刚下班回来 看到6栋楼下躺着个人 一动不动", "fallen", "120"),
    ("我拍了半天门没反应 他一个人住 平时这个点早起了", "fallen", "120"),
    ("那个 那个 老李头 喊他他也不答应 躺床上不动 嗯 快点来人", "fallen", "120"),
    ("村东头五保户家敲了半天门没人开 屋里灯亮着", "fallen", "120"),
    ("有人掉进村口的水塘里了", "fallen", "120"),
    # stop 31: a fight told by the blood, not the weapon
    ("两个男的在停车场打起来了 一个头破血流的 还在打", "violence", "110"),
    ("楼下烧烤摊有人被酒瓶子开了瓢 满头都是血", "fallen", "120"),
    ("我爸在卫生间滑了一跤 磕得满脸都是血", "fallen", "120"),
    ("出租屋里两口子都说头疼恶心 屋里生着炭盆", "gas", "119"),
    ("半夜在菜场门口碰到个老大爷穿着睡衣 问他住哪说不上来 我先陪着", "missing", "110"),
    ("对门大哥跟老婆吵完 嚷着要跳楼 人已经在窗台边上了", "self_harm", "110"),
    ("楼下那男的喝多了 一直在踹门 喊着要弄死她", "violence", "110"),
    ("地下车库水泵坏了 水位还在涨 车都泡了一半", "flood", "119"),
    ("老街那堵围墙快塌了 底下好多人摆摊", "collapse", "119"),
    ("路口那棵树的大枝子耷拉着 悬在人行横道上", "falling", "110"),
    ("树枝搭在电线上 一起风就噼啪冒火花", "fire", "119"),
    ("配电箱泡在水里了 用电笔一测是亮的", "water_electric", "119"),
    ("有个小孩在水库边上玩水 一下就沉下去了", "fallen", "120"),
    ("我爸低血糖犯了 浑身冒汗 叫他都不太应", "fallen", "120"),
    ("小孙子突然抽风了 眼睛往上翻", "fallen", "120"),
    ("隔壁村跑出来一头牛 在学校门口乱撞", "animal", "110"),
    ("🔥🔥 3号楼 快来人", "fire", "119"),
    ("大风把路边的树刮断了 横在路上还扯着电线", "water_electric", "119"),
    ("修电线的师傅触电了 倒在梯子下面", "fallen", "120"),
    ("我婆婆中风了 嘴歪了说不出话", "fallen", "120"),
    ("楼下那个老太太摔了一跤 头上都是血", "fallen", "120"),
    ("有人从楼上掉下来了", "fallen", "120"),
    ("我家老头子喝酒喝多了 吐了一地 叫也叫不动", "fallen", "120"),
    ("有个人掉到河里了 在扑腾", "fallen", "120"),
    ("工地那边脚手架倒了 压着人了", "fallen", "120"),
    ("我阿妈话心口好痛 讲嘢都唔清楚", "fallen", "120"),
    # child
    ("三岁的孩子被反锁在家里 一个人在哭", "child", "110"),
    ("12楼有个小孩爬到窗外的空调外机上了！！", "child", "110"),
    ("对面楼有个娃站在窗台上 大人不在家", "child", "110"),
    ("七楼阳台有个小朋友趴在栏杆上往下看 屋里没有大人", "child", "110"),
    ("我家孙子下午三点出去玩 到现在五个钟头了还没回来 电话手表也打不通", "child", "110"),
    ("我家孩子在小区里走丢了 穿红衣服 五岁", "child", "110"),
    ("有个细路仔自己一个人锁喺车入面，喊到好大声", "child", "110"),
    ("楼下车里锁着个宝宝 车窗都关着 太阳这么晒", "child", "110"),
    ("孩子翻到阳台外面去了 快来人", "child", "110"),
    ("隔壁一直有小孩在哭 大人好像不在 哭了一个多小时了", "child", "110"),
    # fire and smoke, also without the word
    ("楼道里有烟 还有噼里啪啦的声音", "fire", "119"),
    ("二号楼楼顶在冒黑烟", "fire", "119"),
    ("谁家在烧东西 一股烧焦的味道 越来越浓", "fire", "119"),
    ("配电箱里滋滋响 还有一股糊味", "fire", "119"),
    ("快啲嚟 佢哋屋企火烛啊", "fire", "119"),
    ("三组老张家柴房着火了", "fire", "119"),
    ("那个电动车在楼道里充电 冒火星了", "fire", "119"),
    ("厨房油锅起火了 我们扑不灭", "fire", "119"),
    ("对面楼的窗户往外冒烟 看着像是厨房", "fire", "119"),
    ("喂 喂 那个七号楼 七号楼有火光 好大的烟", "fire", "119"),
    # gas
    ("挖掘机把燃气管挖断了 呲呲往外冒气", "gas", "119"),
    ("3号楼2单元楼道里好大的煤气味", "gas", "119"),
    ("屋里一股臭鸡蛋味 头有点晕", "gas", "119"),
    ("施工队把天然气管道挖破了 就在幼儿园门口", "gas", "119"),
    ("隔壁那家的煤气罐嘶嘶响 人不在家", "gas", "119"),
    ("我哋楼下成日有阵煤气味 而家越嚟越浓", "gas", "119"),
    ("厨房里那个燃气灶的管子掉了 一直在漏", "gas", "119"),
    ("热水器那里有股味 头晕恶心", "gas", "119"),
    # violence
    ("楼下有个男的拿着刀在追人", "violence", "110"),
    ("两个人在车库打架 有一个拿着铁棍", "violence", "110"),
    ("楼上又在家暴 女的一直在哭喊救命", "violence", "110"),
    ("菜场门口有人打人 打得满脸是血", "violence", "110"),
    ("有个醉汉拎着砖头在砸车 还骂人", "violence", "110"),
    ("啊 快 快 楼下有人动刀了", "violence", "110"),
    ("我一个人在家 有人一直在撬我家门", "violence", "110"),
    # someone about to harm themselves
    ("有个人站在楼顶边上 好像要跳", "self_harm", "110"),
    ("隔壁大姐说不想活了 把自己关在屋里", "self_harm", "110"),
    # falling where people walk
    ("外墙瓷砖一直往下掉 下面就是人行道", "falling", "110"),
    ("单元门口掉下来一块墙皮 差点砸到送快递的 上头还有一大块在晃", "falling", "110"),
    ("商场那块广告牌被风吹得晃来晃去的 路上人来人往", "falling", "110"),
    ("大风把树枝刮断了 掉下来了 砸到人了", "falling", "110"),
    ("楼顶的铁皮被风掀起来 晃荡着 下面是上学的路", "falling", "110"),
    # water reaching electrics
    ("地下室进水了 水都漫到配电箱了", "water_electric", "119"),
    ("楼上漏水 顺着墙流进插座里了", "water_electric", "119"),
    ("车库积水淹到充电桩了 还有人在充电", "water_electric", "119"),
    ("楼道里的电箱在漏电 摸一下麻手", "water_electric", "119"),
    # manhole on a path
    ("人行道上的井盖没了 一个大黑洞", "manhole", "110"),
    ("学校门口那条小路的井盖被偷了 孩子放学都走那", "manhole", "110"),
    ("井盖翻了 就在单元门口 老人进出很危险", "manhole", "110"),
    # added with writers g-k (issue 11, stop 23): kinds and phrasings the training misses showed
    ("屋里进水了 水已经到膝盖了 还在涨", "flood", "119"),
    ("一条大狼狗在小区里乱跑 已经咬伤一个小孩了", "animal", "110"),
    ("小区门口一辆车把老人撞了 司机想跑", "crash", "120"),
    ("我妈接到电话让她把钱转到安全账户 人已经去银行了", "fraud", "110"),
    ("救命 5栋", "call", "110"),
    ("燃气表那里一直呲呲响 一股臭味", "gas", "119"),
    ("有人晕了 在2单元门口", "fallen", "120"),
    ("老伴突然半边身子没力 话也说不清", "fallen", "120"),
    ("孩子误吃了好几片降压药", "fallen", "120"),
    ("车里有个小孩在哭 车窗车门都关着 大人不知道去哪了", "child", "110"),
    ("小孩蹲在空调外机上", "child", "110"),
    ("我在电梯里 卡住了 按什么都没反应", "trapped", "119"),
    ("路面塌了个大坑 还在往下陷", "collapse", "119"),
    ("那面山墙掉了一大块 还在往下掉渣", "collapse", "119"),
    ("广告牌被风吹得一直晃 底下全是人", "falling", "110"),
    ("两口子打架 男的把女的按在地上打", "violence", "110"),
    ("孩子被电梯门夹住了 在哭", "trapped", "119"),
    ("老伯在公园晕低咗 唔识反应", "fallen", "120"),
    ("彩钢板被风刮得飞下来 底下是小区大门", "falling", "110"),
    ("天花板的水一直往下灌 已经漫到客厅了", "flood", "119"),
    ("大狗挣脱了绳子！扑倒了一个小孩", "animal", "110"),
    ("有人在车棚那边点了东西 火已经起来了", "fire", "119"),
    ("我怀孕了 羊水破了 家里没人", "fallen", "120"),
    ("天台边上站着个人 站了好久了", "self_harm", "110"),
    ("切菜把手划了个大口子 血止不住", "fallen", "120"),
    ("我爸点了短信里的链接 还输了密码", "fraud", "110"),
    ("6栋电梯卡人了 按铃没人理", "trapped", "119"),
    ("大树压断了 还搭着电线", "water_electric", "119"),
    ("快来人 那边有人往别人车上泼汽油 喊着要点火", "violence", "110"),
    ("我妈开了屏幕共享 钱正在往外转", "fraud", "110"),
    ("宝宝吃东西噎住了 脸都憋紫了", "fallen", "120"),
    ("家里地上的水已经没过脚背了 还在往上涨", "flood", "119"),
    ("小孩刚才还在楼下玩 一转眼就不见了", "child", "110"),
    ("楼下有条狗见人就扑 已经咬出血了", "animal", "110"),
    # added with writers r-t: said without the usual word, or with a space between the parts
    ("老太太刚才在菜场门口抽过去了 快来人", "fallen", "120"),
    ("我老公胃疼得在床上打滚 脸都白了", "fallen", "120"),
    ("娃儿把洗衣凝珠咬破了 嘴里全是泡泡", "fallen", "120"),
    ("孩子偷喝了一口消毒液 一直在哭", "fallen", "120"),
    ("老爸一个人住 电话打了一上午都没人接 平时都接的", "fallen", "120"),
    ("骑电动车的大叔摔了 头磕到台阶上 不动了", "fallen", "120"),
    ("我外婆现在叫不太醒了 3栋", "fallen", "120"),
    ("有个小孩卡在小区大门的铁栏杆中间 出不来", "trapped", "119"),
    ("7栋 电梯 困人 快", "trapped", "119"),
    ("楼道里着伙了 快跑", "fire", "119"),
    ("车棚里的电瓶车炸了 火很快", "fire", "119"),
    ("走廊烟浓得看不见人了", "fire", "119"),
    ("有个男的一直跟着我 我不敢回家 在2号楼下", "violence", "110"),
    ("保安被那几个人打了 他们还在门口不走", "violence", "110"),
    ("隔壁一直在喊别打了 别打了", "violence", "110"),
    ("小区里两条狗在追一个老人 老人跑不动", "animal", "110"),
    ("凉亭顶上有马蜂窝 已经蛰了好几个人", "animal", "110"),
    ("洒水车倒车把一个小孩刮倒了", "crash", "120"),
    ("3号楼那面墙裂了 一条大缝从上到下 墙皮哗哗往下掉", "collapse", "119"),
    ("村口那座小桥被水冲得在晃 还有人在过", "collapse", "119"),
    ("楼上漏的水顺着天花板往下灌 家里电视都泡了", "flood", "119"),
    ("广场那个井盖被水冲开了 好多人在走", "manhole", "110"),
    ("那个人站在楼顶的女儿墙上 喊也不下来", "self_harm", "110"),
    ("一楼大厅的吊顶石膏板一块一块在往下掉", "falling", "110"),
    ("老树歪倒在电线上 下面就是上学的路", "falling", "110"),
    ("不知道谁家着火了 楼道里全是烟", "fire", "119"),
    # from the review's list of emergencies still missed
    ("楼上一直往下砸东西 砸到人了", "falling", "110"),
    ("桥上有个人翻到栏杆外面了", "self_harm", "110"),
    ("有个女孩坐在桥栏杆上哭", "self_harm", "110"),
    ("对面楼有个人挂在阳台外面", "trapped", "119"),
    ("地库里有辆车自燃了", "fire", "119"),
    ("小孩把一整板药都吃了", "fallen", "120"),
    ("孩子从滑梯上摔下来 头磕破了 血流不停", "fallen", "120"),
    ("我妈突然站不稳 说话含糊", "fallen", "120"),
    ("楼道里有人在惨叫", "violence", "110"),
    ("孩子吃错了东西 一直吐 叫他不太应", "fallen", "120"),
    ("隔壁独居的王大爷两天没见人了 门口的菜都没拿", "fallen", "120"),
    # added with writers u-v
    ("我家老爷子有点老年痴呆 今天晚饭后出去就没回来 电话也没带", "missing", "110"),
    ("3楼阳台有个小孩站在栏杆边上 大人不在", "child", "110"),
    ("儿子在广场滑板摔了 手腕好像断了 一直哭", "fallen", "120"),
    ("隔壁停电两个钟头了 老太太在家吸氧 制氧机停了", "fallen", "120"),
    ("楼道一股煤气味 千万别开灯 谁家的", "gas", "119"),
    ("求扩散 我妈认知障碍 下午在菜场走丢了 穿灰色外套", "missing", "110"),
    # said the way a second blind writer (w) said them: what is seen, in dialect, no alarm word
    ("五楼楼梯口躺着个大爷，怎么叫都叫不答应", "fallen", "120"),
    ("隔壁那个小伙喝多了趴在门口，拍了半天都拍不醒", "fallen", "120"),
    ("有个阿姨在公交站捂着胸口蹲下去了，脸色很难看", "fallen", "120"),
    ("娃儿发烧烧得抽起来了，眼睛直勾勾的，咋整", "fallen", "120"),
    ("我妈刚才突然说看不清东西，话也说不利索", "fallen", "120"),
    ("几个学生去河里游泳，有一个到现在还没上来", "fallen", "120"),
    ("我个仔唔见咗，着红色衫，五岁", "child", "110"),
    ("小孙子自己跑到楼顶上去了，门也没锁", "child", "110"),
    ("我爸有点糊涂，早上出门到现在没找着", "missing", "110"),
    ("电梯停在半截不动了，我和孩子还在里面", "trapped", "119"),
    ("出来晾衣服被锁在阳台上了，外面零下十度", "trapped", "119"),
    ("天台上有个小伙子坐在边上，腿都悬空了", "self_harm", "110"),
    ("对面工地塔吊晃得吓人，吊着的钢管在半空甩来甩去，底下有人在走", "falling", "110"),
    ("六楼那个空调外机只剩一根螺丝吊着，下面是幼儿园门口", "falling", "110"),
    ("卫生间顶上的吊灯在往下滴水，开关一按还滋滋响", "water_electric", "119"),
    ("楼上水管爆了，楼梯都成瀑布了", "flood", "119"),
    ("一窝马蜂追着人跑，好几个小孩在哭", "animal", "110"),
    ("花坛里钻出来一条蛇，小朋友就在边上玩", "animal", "110"),
    ("烧纸的火引到草坪上了，烧了好大一片，快来人", "fire", "119"),
    # a third blind writer (z): nights and weekends, told by guards, riders and family far away
    ("商场里找不到我女儿了 6岁 扎两个小辫", "child", "110"),
    ("孩子把半瓶洗洁精喝下去了 一直在吐", "fallen", "120"),
    ("车棚那边砰一声 电动车电池炸了 现在还在烧", "fire", "119"),
    ("成条走廊都系㶶味 唔知边间屋", "fire", "119"),
    ("值班室显示12号楼9层烟感报警了 谁在附近先去看看", "fire", "119"),
    ("楼下饭馆厨房的火窜出来了", "fire", "119"),
    ("我突然头晕得站不稳 家里就我一个 7号楼", "fallen", "120"),
    ("我妈刚电话里说摔了一跤腿不能动 她一个人住2单元", "fallen", "120"),
    ("我爸一个人在家 说胸口闷 然后就不回了", "fallen", "120"),
    ("门口来了个老爷子 零下的天光着脚穿单衣 问他啥都说不清", "fallen", "120"),
    ("有个人喝多了在天台边上晃 谁来搭把手", "self_harm", "110"),
    ("二十几层的窗玻璃被风吹碎了 一块一块往下掉 高层下面", "falling", "110"),
    ("不知道谁家的狗把小孩咬住了 怎么都不松口", "animal", "110"),
    ("村里谁家的牛跑出来了 在小学门口乱顶人", "animal", "110"),
    # smoke that blinds or chokes whatever burns; Cantonese 系 for 是; a floor giving way; a patient who cannot
    # be carried out; a door being broken in while the family hides; covers stolen; things about to fall on people
    ("走廊里全系烟 我哋出唔到去", "fire", "119"),
    ("楼下有人烧纸钱 烟大得呛人 楼道里啥都看不清", "fire", "119"),
    ("独居的老周好几天没看见他了 门缝里一股臭味", "fallen", "120"),
    ("屋里一股怪味 两天没见着他人了", "fallen", "120"),
    ("楼道太窄 担架抬不出来 病人还在屋里 快想想办法", "trapped", "119"),
    ("喝醉的前男友在外面砸门 我和孩子躲在屋里不敢出声", "violence", "110"),
    ("阳台顶上往下掉水泥渣 下面就是小孩玩的地方", "falling", "110"),
    ("小广场那根旗杆晃得厉害 眼看就要倒 底下一群孩子在跳绳", "falling", "110"),
    ("隔壁天天装修咚咚的 这会儿我家楼板裂开了往下掉灰块", "collapse", "119"),
    ("学校门口井盖让人偷了 放学的孩子马上出来", "manhole", "110"),
    # the body told by what is felt and seen; a parent not answering; pills a child swallowed; a lift overshooting;
    # someone pinned; water on a light; a bang and fumes; a child put out or lost; hit at home; glass hanging over
    # people; concrete falling (Cantonese 石屎); pillars cracking; grates; a fire put out that still chokes
    ("隔壁大爷心绞痛犯了 他的药吃完了 谁家有硝酸甘油", "fallen", "120"),
    ("吃了海鲜过敏 嗓子肿了 喘不上来气", "fallen", "120"),
    ("我妈吃了降糖药浑身发抖 一直冒冷汗 心里慌", "fallen", "120"),
    ("我看东西都重影了 头疼得要炸 在3栋", "fallen", "120"),
    ("有个阿姨在楼梯上坐了半天了 说腿软站不起来", "fallen", "120"),
    ("救命 门口有人倒了", "fallen", "120"),
    ("老爸不接电话 一天一夜了 平时都秒回", "fallen", "120"),
    ("孙子把奶奶的安眠药吞了好几片 怎么办", "fallen", "120"),
    ("公园里有个小男孩 问他家长电话说不出来 一直哭", "child", "110"),
    ("楼下有个小孩被爸妈赶出来了 穿着单衣在哭", "child", "110"),
    ("电梯冲到顶才停 门一直开开关关 里面有人", "trapped", "119"),
    ("围墙倒下来 有人压在底下了", "trapped", "119"),
    ("天花板漏水 滴到灯上了 灯一闪一闪", "water_electric", "119"),
    ("电动车在走廊砰的一声 一股焦味", "fire", "119"),
    ("他喝醉了在家打我 我躲在厕所 8栋", "violence", "110"),
    ("商场门口玻璃雨棚碎了一半悬在上面 底下人来人往", "falling", "110"),
    ("楼上露台的石屎一块块掉落 下面是菜市场", "falling", "110"),
    ("骑楼的柱子裂开了 一直掉渣", "collapse", "119"),
    ("学校门口雨水箅子被压翻了 放学的孩子要从这走", "manhole", "110"),
    ("火扑灭了但屋里全是烟 老人呛得厉害", "fire", "119"),
    # wild mushrooms; a call unanswered (Cantonese); a shutter forced; more still to fall; a crack widening today;
    # a road hollow underneath; water and sewage pouring in; a crushed cover on the way home; petrol fumes; a tree
    # across the road; a real fight being filmed; the fire main (消防) is not "防" (prevent)
    ("晚饭吃了山上采的野蘑菇 一家人都在吐 还有点晕", "fallen", "120"),
    ("阿婆今朝冇开门 喊佢也冇应", "fallen", "120"),
    ("有人在拽楼下超市的卷帘门 我在楼上吓得不敢下去", "violence", "110"),
    ("窗台上的花盆掉了一个 风还这么大 剩下的还得掉 楼下是小区出入口", "falling", "110"),
    ("墙上那道裂缝比早上又宽了 墙皮一直往下掉", "collapse", "119"),
    ("路面塌下去一块 底下是空的 都能看见水管", "collapse", "119"),
    ("水从上往下灌 楼道成了水帘洞", "flood", "119"),
    ("化粪池溢了 粪水往一楼住户家里流", "flood", "119"),
    ("雨水井的盖板被压碎了 放学的孩子马上要从这过", "manhole", "110"),
    ("地下车库一股很浓的汽油味 不知道哪来的", "gas", "119"),
    ("大树倒了 横在马路中间 晚上看不见", "falling", "110"),
    ("楼下有人打架 拿着棍子 见血了 别光拍视频了快报警", "violence", "110"),
    # stop 28: a weapon picked up in a quarrel; a threat to cut; someone pushed down; chest tightness and a cold
    # sweat; a call unanswered since last night; a silent door with the television on for days; a child through
    # the ice; someone walking into deep water; a wire's insulation burning; a plank swaying over children; water
    # pouring in at the door; a dog that will not let go (Cantonese)
    ("两家为车位吵起来了 那男的抄起板凳就要砸", "violence", "110"),
    ("村头有个醉汉拿着锄头乱挥 说谁过来就砍谁", "violence", "110"),
    ("楼下两个老太太抢位置 一个被推倒了 还在地上哭", "violence", "110"),
    ("我爸说胸口闷 冒冷汗 在5栋2单元", "fallen", "120"),
    ("我在医院值夜班 我妈刚打电话说胸口闷出冷汗 她住3栋", "fallen", "120"),
    ("我奶奶从昨晚开始电话就一直没人接 她住7栋 谁能去敲个门", "fallen", "120"),
    ("对门大爷家电视开了三天了 也没人应门", "fallen", "120"),
    ("河边有个孩子掉冰窟窿了 快来人", "fallen", "120"),
    ("湖边一个阿姨下水了 还在往深处走", "self_harm", "110"),
    ("插线板的线皮都烧化了 还插着电暖器", "fire", "119"),
    ("工地脚手架上的木板晃得厉害 下面孩子正从底下过", "falling", "110"),
    ("暴雨 水往我家屋里灌 门都关不上", "flood", "119"),
    ("有只大狗咬住个细路唔放 快嚟人", "animal", "110"),
    # the second batch of stop 28: black smoke without the word; a brazier kicked over; a gas pipe drilled through; a
    # smell like gas; Minnan 瓦斯; a worker down a septic tank; ice cracking under skaters; a child's shoe floating;
    # children in fast water; oxygen in a power cut told at length; a cart into a crowd; a cover washed away
    ("楼下烧烤店后厨一直冒黑的 门关着", "fire", "119"),
    ("天台上那帮人把炭盆踢翻了 旁边都是纸箱", "fire", "119"),
    ("装修的把燃气管子钻穿了 嘶嘶响", "gas", "119"),
    ("下水道往外冒的那股味儿 闻着像煤气", "gas", "119"),
    ("阿嬷厝里瓦斯桶咧漏 规间攏是味", "gas", "119"),
    ("有个工人下了化粪池没上来 快来人", "fallen", "120"),
    ("水库那边一群孩子在滑冰 冰面都咔咔响了", "fallen", "120"),
    ("河边漂着一只孩子的凉鞋 人不见了", "fallen", "120"),
    ("几个小孩跑到河里玩水 水流急得很", "child", "110"),
    ("停电了 物业说是开发商欠了电费 我爸在家一直靠着制氧机吸氧 现在怎么办", "fallen", "120"),
    ("一辆三轮车冲进人群了 撞倒好几个", "crash", "120"),
    ("路口井盖被大水冲跑了 底下全是水 电动车都从这过", "manhole", "110"),
    # the third batch: danger passed on second-hand (lights dark for days, papers piling up, dizzy and then silent, a
    # bedridden man alone, someone motionless on the steps, a baby crying in a bin, a child collected by a stranger,
    # a child gone minutes ago, an autistic boy out alone, "别过来" then silence, a stove left on, a meter turning)
    ("楼下王伯家的灯两天没亮了 门口报纸一直没人收", "fallen", "120"),
    ("我妈电话里说头晕得厉害 站都站不稳 然后再打就没人接了", "fallen", "120"),
    ("3楼瘫痪的老爷子 儿子出差了 护工今天也没来 就他一个在家", "fallen", "120"),
    ("单元门口有个人趴在台阶上 半天一动不动", "fallen", "120"),
    ("保洁阿姨说垃圾桶里有婴儿在哭", "child", "110"),
    ("老师说孩子被陌生人接走了 我们家没人去接啊", "child", "110"),
    ("我家小孩刚刚还在滑梯那儿 一转身就不见了", "child", "110"),
    ("我儿子是自闭症 不会说话 刚才自己开门跑出去了", "missing", "110"),
    ("隔壁女的一直喊你别过来 然后就没声了", "violence", "110"),
    ("对门燃气灶开着 人不在 门口都闻到味了", "gas", "119"),
    ("我奶奶说燃气表一直在转 灶都没开", "gas", "119"),
    # the fourth batch: the shortest messages (Minnan 火烧厝 and 跋倒, Cantonese 困咗人, a smoke-filled stairwell, a
    # leak typed 泄露, a parent down, fainting in the lift, food poisoning, a fistful of pills, hit by what fell, a
    # child locked in a car or leaning on a loose railing, sewage in the flat, water still rising, a parent at the bank)
    ("火烧厝啊 紧来 3号楼", "fire", "119"),
    ("烟 楼梯间 看不清路", "fire", "119"),
    ("煤气 泄露 好冲", "gas", "119"),
    ("阿公跋倒 起袂来", "fallen", "120"),
    ("sos 5-2-301 我妈倒了", "fallen", "120"),
    ("阿婆喺电梯入面晕咗", "fallen", "120"),
    ("午饭后好几个老人都吐了 还拉肚子", "fallen", "120"),
    ("我爸吃错药了 一下吃了一把", "fallen", "120"),
    ("送快递的被楼上掉下来的花盆砸了", "fallen", "120"),
    ("部lift困咗人啊 2座", "trapped", "119"),
    ("救命 电梯里 3栋", "trapped", "119"),
    ("孩子被锁车里了 太阳底下晒着", "child", "110"),
    ("阳台护栏松了 小孩还趴在上面", "child", "110"),
    ("一楼下水道冒粪水 进屋了", "flood", "119"),
    ("井里的污水往外冒 淹到单元门口了 还在涨", "flood", "119"),
    ("我妈接了个电话 正要去银行转钱 拦不住", "fraud", "110"),
    ("药店里有个大叔突然倒了 全身抽 嘴角冒白沫", "fallen", "120"),
    ("隔壁一直在摔东西 女的在哭喊 男的吼着要打死她", "violence", "110"),
    ("早上好 今天天气不错 对了楼下有个老太太摔了爬不起来 谁在附近", "fallen", "120"),
    ("刚才在家玩游戏 突然闻到一股焦糊味 楼道里全是烟", "fire", "119"),
    ("菜场门口一个老大爷趴在地上 喊他只会哼", "fallen", "120"),
    ("骑车的小伙摔了 头上一直在流血", "fallen", "120"),
    ("有人抢劫 就在小区后门", "violence", "110"),
    ("一个疯子在楼下追着人砍", "violence", "110"),
    ("楼上男的吼着要杀了她 一直在摔东西", "violence", "110"),
    ("车库消防管爆了 水正漫向配电间", "water_electric", "119"),
    ("楼道里一股烧电线的味道", "fire", "119"),
    ("二单元楼梯间一股臭鸡蛋那种味道", "gas", "119"),
    ("孩子吞了一枚硬币 喘气呼哧呼哧的", "fallen", "120"),
    ("我爸一个人在家 视频突然黑屏了 现在怎么打都不通", "fallen", "120"),
    ("地下车库一股很冲的汽油味 旁边还有人在抽烟", "gas", "119"),
    ("外墙保温层让风刮掉一大块 挂在9楼晃悠 底下就是人行道", "falling", "110"),
    ("水从楼上往下漫 整个楼梯跟瀑布一样", "flood", "119"),
    ("老爷子离不开制氧机 现在整栋楼停电了", "fallen", "120"),
    ("对面楼顶天台上站着个女孩 站在边上好久了 一直在哭", "self_harm", "110"),
    ("对面那家刚才听见玻璃碎了 还有女人的尖叫", "violence", "110"),
    ("楼刚才明显晃了一下 墙上出现新裂缝 大家都跑下楼了", "collapse", "119"),
    ("车库入口积水倒灌 水深超过半米 还在持续上涨", "flood", "119"),
    ("十楼外墙玻璃碎了半块 下面是快递柜 天天很多人在那取件 刚看到碎片掉下来了", "falling", "110"),
    ("厨房燃气管崩开了 满屋都是气 人已经出来了", "gas", "119"),  # people out, the gas still there
    # added with writers bp-bu (stop 30)
    ("救护车堵在东门进不来 病人还在3号楼等着", "rescue_blocked", "120"),
    ("环卫大哥被倒下来的货架压住了腿 动不了", "fallen", "120"),
    ("楼下老太太一直在喊人 喊了好半天了 她家没人", "fallen", "120"),
    ("厨房一股燃气味 越来越浓 我现在头晕想吐", "gas", "119"),
    ("车库里有人洒了一摊汽油 旁边还有人在抽烟", "gas", "119"),
    ("我爸现在在银行柜台要转钱 电话里那人不让他挂断", "fraud", "110"),
    ("卷帘门里在冒烟 里面没人 烟越来越大", "fire", "119"),  # no one inside, the smoke still growing
    ("孩子掉进水池了 已经捞上来了 不哭不动 谁会急救", "fallen", "120"),  # pulled out, still not moving
    ("我困电梯里了 就我一个 手机快没电了", "trapped", "119"),
    ("有个人喝醉了开车在小区里横冲直撞 撞翻了好几辆车", "crash", "120"),
    ("我妈前天出门到现在还没回来 她有点老年痴呆 穿灰色外套", "missing", "110"),  # the illness said after
    # added with writers cb-cg (stop 30)
    ("村口河边冰面上掉下去个孩子", "fallen", "120"),
    ("下水道堵了 污水从马桶里往外翻 满屋都是 还在冒", "flood", "119"),
    ("两伙人干起来了 有人抄凳子了", "violence", "110"),
    ("花盆刚掉下来一个 上面还有好几盆在晃 底下就是单元门口", "falling", "110"),
    ("地下室冒黑烟了好呛人 我们这单元的人都跑出来了", "fire", "119"),  # out, the fire still going
    ("邻居好几天没人出来了 敲门没人应 独居的老爷爷 有点担心", "fallen", "120"),  # 没人出来 is not 人出来了
    ("老电影院那边路灯杆被车撞歪了 靠在电线上一直冒火花 人从底下过", "fire", "119"),  # a cinema is a place
    # added with writers ch-cm (stop 30)
    ("儿子发语音说 我在电梯里 电梯不动了 灯也灭了", "trapped", "119"),
    ("墙里面咔咔在响 卫生间那道裂缝比昨天宽了一指", "collapse", "119"),
    ("邻居家小孩跑过来了 身上都是伤 说他爸喝醉了在屋里打他妈", "violence", "110"),
    ("我老伴有阿尔茨海默 趁我做饭自己开门走了 半小时了", "missing", "110"),
    ("停电一整天了 外面39度 好多老人在屋里热得受不了", "fallen", "120"),
    ("对门大爷说胸口闷 满头汗 人有点迷糊 他一个人住", "fallen", "120"),
    ("学校门口的井盖被人撬走了 马上放学 孩子们都要从这过", "manhole", "110"),
    ("整栋没电一个钟头了 我妈在家要用氧气机", "fallen", "120"),
    # stop 32 (writers dl-dq): a lift that "关了人", a knife in someone's hand, a smell told as like rotten eggs
    ("五号楼那部电梯又关了人 在里面拍门", "trapped", "119"),
    ("那个醉汉手里有把刀 在小区门口晃", "violence", "110"),
    ("一进门一股味道 像臭鸡蛋 窗户都关着", "gas", "119"),
    ("哥哥找到了 在网吧 妹妹还没找着 七岁 穿红衣服", "child", "110"),  # one found, one still missing
    ("春游回来了五个 少一个 老师正在往回找", "child", "110"),
    ("电梯里有个老人按了报警铃 半天没人来", "trapped", "119"),
    ("全屯停电一整天了 38度 我爸喘不过气", "fallen", "120"),
    # stop 33
    ("外公一瓶安眠药都吃了 说活着没意思", "self_harm", "110"),
    ("3栋门口井盖没了 晚上走过去准得掉下去", "manhole", "110"),
    ("我爸两天了都没接电话 他一个人住", "fallen", "120"),
    ("门锁记录到现在都没开过门 打电话也不接", "fallen", "120"),
    ("电梯停电了 我妈还关在里面", "trapped", "119"),
    ("我被关在地下室里面 门打不开 喊也没人听见", "trapped", "119"),
    ("电线被树压断了 还在跳火", "fire", "119"),
    ("我老婆怀孕七个月 突然肚子疼得厉害", "fallen", "120"),
    ("停电一整天了 40度 家里老人热得直喘", "fallen", "120"),
    ("停电了 我爸的气垫床瘪了 他瘫在床上", "fallen", "120"),
    ("棚子塌了 铁皮压着我爸的腿", "trapped", "119"),
    ("老太太按了一键呼叫 平台显示报警 家属电话打不通", "fallen", "120"),
    ("我爸说不想再拖累我们 把药都藏起来了 现在找不到他", "self_harm", "110"),
    ("楼上那人拎着一桶汽油下来了 说要把楼下烧了", "violence", "110"),
    ("树枝搭在电线上 一直冒蓝光", "fire", "119"),
    ("外孙女刚才还在滑梯那 一转眼没影了", "child", "110"),
    ("3单元门一开就是一股煤气味 越往上越冲", "gas", "119"),  # the moment the door opens, not a habit
]

NEGATIVES: list[str] = [
    # stop 32: everyone found
    "两个孩子都找到了 在小卖部 谢谢大家帮忙",
    "电梯里的紧急按钮按了没反应 麻烦修一下",
    "煤气灶换了新的 没闻到什么味 就是打不着火",  # 没闻到: no smell
    # stop 31, second batch: a will is legal business; a flood over with its mud; an ask for a lone neighbour
    "老人想立个遗嘱 社区能帮忙找律师吗",
    "朋友圈看到的 某地一个小伙子留了遗书 太可惜了",
    "水退了 车库里的车都没事 谢谢物业连夜抽水",
    "社区能不能给独居老人装个烟感报警器",
    # stop 31: a child on its own, but nothing wrong now; a near miss with nothing left up there
    "8号楼那个小姑娘放学总是一个人在楼道写作业 家里好像没大人 社区能不能关心一下",
    "医生说我爸要长期吃药 社区能不能每个月来量个血压",
    "分享一篇 老人跌倒后的正确姿势 建议收藏",
    "这家烧烤店真的🔥🔥 强烈推荐",
    "常看见那个老奶奶一个人坐在花坛边 问她家在哪也说不清 社区能不能关注一下",
    "小区门口的广告牌大风天老晃 下面就是公交站 找人加固一下吧",
    "刚才阳台上掉了块瓷砖 差点砸到人 我上去看了 就那一块 别的都挺牢",
    # past
    "火已经灭了 大家放心",
    "上礼拜楼下着火了 吓死我了",
    "昨天我妈晕倒过 现在好了",
    "去年电梯困过人 后来换了新的",
    "前天那个被困电梯的大爷已经救出来了 没事了",
    "那次家暴的事后来调解好了",
    # averted
    "差点着火 幸好发现得早",
    "刚才差一点摔倒 还好扶住了",
    # hypothetical and fear
    "要是着火了怎么办 楼道里堆满了东西",
    "万一煤气泄漏了 我们这楼道又窄",
    "如果有人被困电梯 该打哪个电话",
    "担心老人一个人在家摔倒 有没有一键呼叫的设备",
    "燃气管子锈成那样了 万一漏气咋整",
    "消防通道天天被堵 真着火了消防车都进不来",
    "快打起来了 两家为了车位吵得不可开交",
    # pretend: games, TV, dreams, drills, news elsewhere
    "我家孩子玩游戏喊着火啦 把我吓一跳",
    "昨晚的电视剧里有人被困在电梯 看得我好紧张",
    "做梦梦见家里着火了",
    "明天上午社区组织消防演练 会有烟雾 大家别慌",
    "转发：某市一小区电动车楼道充电起火 造成3死",
    "新闻说隔壁区有人煤气中毒 大家注意通风",
    "刚才那个冒烟的是楼下烧烤店 不是着火 大家别慌",
    "孙子在玩过家家 说奶奶晕倒了要打120",
    # normal problems that sound like danger words but are not
    "楼上装修电钻声吵得人头疼",
    "楼道里有人抽烟 烟味好大",
    "电梯按钮不灵 要按好几下",
    "门禁又坏了 刷卡没反应",
    "哪个缺德的把车横在我车后面 堵得我出不去",
    "阿拉小区门口老是有人乱停车 出门都出不去",
    "有棵树死了好久了 枯枝随时可能掉下来",
    "楼上的空调外机摇摇欲坠 支架都锈断了",
    "井盖没了",
    "独居的刘奶奶这两天好像没出门 平时这个点都在楼下遛弯的",
    "亲戚借了我五万块 两年了不还 电话也不接",
    "3号楼1102冇水咗成日 搵边个啊",
    "小孩在楼下玩得很开心",
    "我妈今天血压有点高 社区医院几点开门",
    "水管漏水 滴到楼下了",
    "我哋嗰度路灯唔着 成个礼拜了",
    "村东头那个路灯坏了半个月了",
    "楼下烧烤店油烟太大 窗户都不敢开",
    "今天好冷 差点冻死",
    "这道题太难了 我想跳楼 哈哈哈",
    "开锁换锁 24小时上门 撬锁不伤门",
    # added with writers g-k: an interjection, a cause explained, a habit, a past event, advice
    "救命 这道题好难",
    "冒烟那个是在熏腊肉 年年都这样",
    "小区门口的树被车撞歪了",
    "今天消防日 科普一下着火了怎么逃生",
    "保洁阿姨中暑那事以后 物业调了班",
    "电梯里那个小孩抽搐 退了烧就好了",
    "那条路一下雨就积水 水深到膝盖",
    "我上个月被车撞了 想找个律师",
    "我家猫好像吃了灭鼠药 附近有宠物医院吗",
    "好像有股烧焦味 谁家饭糊了吧",
    "去年楼道着火那次 消防车进不来",
    "上个月有条狗追着小孩跑 后来抓走了",
    "万一有人卡在电梯里出不来 按这个按钮",
    "我家那个老电瓶车充不进电了 是不是电池坏了",
    "墙皮一到下雨天就掉 能不能刷一下",
    "天花板上的吸顶灯不亮了 找个电工",
    "小区的狗都不拴绳 看着吓人",
    "养蜂的大爷说今年蜂蜜卖得好",
    "树枝快碰到电线了 找人修一下",
    "我腿骨折了 一个人住 谁能帮我跑趟药店",
    "这楼道窄成这样 着火了大家都逃不出去",
    # found by a review of this stop's patterns: everyday words they had taken for danger
    "我家狗一直跟着我 甩都甩不掉",
    "孩子们别打了，吵得楼下睡不着",
    "下水道堵了，物业说疏通要给钱",
    "隔壁装修墙一直在响，吵死了",
    "快递车在烧烤店门口挡路",
    "他家电瓶车炸了胎",
    "孩子吃了八十四块钱的零食",
    "孩子的球掉进去了",
    "手机摔了一下，屏幕不动了",
    "孩子把椅子摔了，椅子腿断了",
    "明天停电，我爸还要去医院透析，怎么办",
    "阳台上有个蜂窝，昨天被蜂叮了一下",
    "奶奶有点痴呆，今天出门找不到回家的路，被邻居送回来了",
    "小朋友们站在护栏边看烟花",
    "上次差点砸到人 后来装了防护网",
    "这车自燃的新闻看得我害怕",
    "孩子把药吃了 说好多了",
    "转发：千万别在楼道里给电动车充电 某小区起火 扩散",
    "我们楼上那家的水管漏到我家厨房了 让他修他不修 麻烦社区出面说一下",  # a leak, not a flood (simulator)
    "问个常识 家里燃气报警器要是响了 第一步是开窗还是先关阀门",
    "【防骗提醒】不要开屏幕共享 不要把验证码给陌生人",
    "小区北门那条路积水没过脚脖子了 一下雨就这样",
    # the same subjects, not an emergency now
    "电梯一个月困三回人，物业到底管不管",
    "这是本月第三次困人了 维保公司该换了",
    "楼下烧烤店把泔水全倒在后门的沟里了",
    "谁家在地里烧秸秆，烟大得很，衣服全熏黑了",
    "我家孩子上周被马蜂蛰了一个包，那个窝还在",
    "睡觉把铺盖都盖上了还是冷，暖气能不能烧热点",
    "社区给独居老人免费装烟感报警器 要装的到居委会登记",
    "厨房烟感嘀嘀叫了一晚上 原来是电池没电了",
    "冇事 头先系隔篱煮㶶咗饭 已经搞掂",
    "刚才打架那两个被派出所带走了 大家散了吧",
    "打雷那么响 我还以为楼塌了",
    "燃气公司说那股味是在放散 正常作业",
    "别的群里说地铁站有人晕倒了 离咱们这远着呢",
    "家里那个洗洁精喝完了 谁知道哪里批发便宜",
    "前两天没见着她 后来才知道去女儿家了",
    "好几天没看到他了 原来是回老家了",
    "楼下烧纸的烟飘到我家了 有点味 能不能让他们去远点烧",
    "楼上天天往下扔烟头 刚刚还掉下来一个瓶子",
    "路口井盖被偷了 我先拿板子挡上了 明天得补一个",
    "暖气一直不热 想插个电暖气又怕着火",
    "垃圾点两天没人收了 路过都得憋气",
    "垃圾站旁边有人倒了一地的油漆桶 味道很冲",
    "物业客服电话永远打不通 报修三天了没人回",
    "我妈说再考不好就打我 哈哈",
    "小时候我爸老打我",
    "楼顶广告牌被风吹得一直晃 底下是公交站 万一掉下来咋办",
    "老7号楼墙上那条裂缝比去年又宽了 能不能找人来鉴定一下",
    "楼下那棵树被昨晚大风刮倒了 横在路中间 车出不去",
    "楼顶有块铁皮松了 一刮风就哐哐响 怕哪天掉下来砸到人",
    "看到吃野蘑菇中毒的新闻 大家别乱采",
    # stop 28: after the fire, last week (Cantonese forms), when there is a fire, a worry, a habit, next week
    "着火后那套房子一直空着 窗户都没了 能不能封起来",
    "上个礼拜楼梯口有人把纸箱点着了 好在没事 想装个烟感",
    "能不能装个着火能从里面推开的门",
    "我爸有点糊涂 总怕他走丢 有没有定位手环",
    "对门小孩经常一个人被锁在家里 爸妈很晚才回",
    "听说下周寒潮要来 我们这栋的暖气管上回冻裂过 能不能先包一下",
    "走失那天他撞坏了人家的车 要赔多少",
    "马桶一直漏水 哗哗地流 请个师傅来修",
    "电动车冒烟那个已经拖到外面空地上了",
    "小时候见过锅炉爆炸 年轻时候的事了",
    # help is already there, it is over, or it is a tip, a summary of the week or a habit
    "120和110都打了 门撬开了 人已经抬出来了",
    "阿婆摔在卫生间 人是清醒的 救护车在路上",
    "那天龙舟翻了 好在全捞上来了",
    "分享个小窍门 煤气罐漏没漏 抹点肥皂水就知道",
    "这一礼拜着火打架困电梯全赶上了 大家平安就好",
    "外墙掉瓷砖那里已经拉了警戒线 明天来修",
    "楼道里老有股焦糊味 查了几次没查出来",
    "老人噎着了怎么急救 能不能请人来讲讲",
    "快递柜都塞爆了 包裹堆了一地",
    "大楼疏散完了 全楼都下来了 消防在上面",
    "物业说维修工已经过去了 大家先别开灯",
    "群里说我们楼有人跳楼 是真的吗",
    "有股煤气味 不对 好像是谁家在煮臭豆腐",
    "社区办事排队排一上午 站都站不住",
    "电梯又趴窝了 早上到现在一动不动",
    "楼下快递好几天没人拿 谁家的",
    "我妈倒了杯水给他",
    "你吃错药了吧 说话这么冲",
    "下雨小区里到处是水坑",
    "我都晕了 这通知看不懂",
    "消防队今天来讲课 说电动车一起火几十秒就能烧满楼道",
    "孩子学校教了遇到着火怎么逃生 回来给我演示了一遍",
    "那回楼道冒烟 多亏保安发现得早",
    "井盖没了的那个坑 我拿砖头围上了",
    "燃气泄漏报警器哪里能申请补贴",
    "孩子趴在地上玩积木 别踩着",
    "大黄狗趴在门口晒太阳",
    "李家巷那段路又积水了 水漫到脚背",
    "燃气公司的人到了 总阀已经关了",
    "保安大哥出来了 没事 就是岗亭压塌了",
    "楼梯口地砖翘起来了 老人绊倒过两回",
    "我爸老年痴呆 想给他办个防走失手环",
    "大家以后看到有人倒地先别急着扶 先打120",
    "家里用煤炉的一定装个一氧化碳报警器",
    "羊水破了的那个孕妇生了 母子平安",
    "路面那个塌陷补好了 但总觉得下面是空的",
    "电梯困人已通知维保 正在盘车 孩子安全。",
    "说个上个月的事 大家引以为戒 有个阿姨被冒充民警的骗了五万",
    "燃气灶胶管老化 已关阀更换 现在安全了",
    "我被锁在门外了 孩子在屋里睡觉 帮忙找个开锁师傅",
    "家里失火了 保险能赔吗",
    "火灾过后楼道墙上黑乎乎的 能不能粉刷一下",
    "出租屋着火了 房东说要我全赔 怎么办",
    "孩子最近总说不想活了 能不能找个心理老师聊聊",
    "送餐时被车撞了 这算不算工伤",
    "出来了出来了 谢谢大家 这电梯已经困人三次了",
    "泡过水的电线插座都不敢用了 请电工来查查",
    # added with writers bp-bu (stop 30): someone asleep, a shoe, a creaking swing, plaster, lifted paving, a
    # lift that keeps failing, a day gone by, the cause of a fire told later, tips, how often it happens, a
    # scammer's story, slops dumped, a tree that is fine for now, a fire lane that might matter one day
    "那辆面包车停了好几天 晚上车里好像有人睡觉",
    "孩子鞋子陷进泥里拔不出来 那段路全是泥",
    "健身区的扭腰器一转就嘎吱嘎吱响",
    "顶楼墙皮被雨水泡掉了一大块 防水该重做了",
    "人行道的砖都翘起来了 老人走路老绊脚",
    "电梯一停就只能困在家里 我们十八楼的老人下不了楼",
    "前几天下雨，我看见电线接头冒火花，这是隐患",
    "听说那户着火是因为充电宝 大家充电别离人",
    "火灾逃生小知识：湿毛巾捂口鼻 别坐电梯",
    "以前村里烧煤 一氧化碳中毒的事年年都有",
    "有人打电话说我孙子把人打伤了要赔钱 这是不是骗子",
    "饭店把泔水和剩菜就倒在巷子里 满地油污",
    "那棵树已经枯了 有点倾斜 现在还好 就怕刮大风",
    "万一真出事 消防车都进不来",
    "【转】禁止携带电动自行车进入电梯 违者处罚",
    "前几天还在群里抢了一次红包 可开心了",
    "别的小区电梯里着火都出人命了 能不能装个阻车系统",
    "邻居的狗把我家孩子咬了 他不认账 不肯赔医药费",
    "二组那片竹林伸到电线上了 刮风就打火花 叫人来砍",
    "我上夜班 孩子晚上一个人在家 有没有社区托管",
    "对面那户总把孩子一个人关阳台上当惩罚",
    "那棵倒了的树到现在还躺在绿化带里 找人拉走",
    "对面装修 中午还在砸墙 吵死了",
    "单元楼下的落水管断了 墙都泡了",
    "老街几户把煤渣都倒在路边 堆成小山",
    "共享单车横七竖八倒在盲道上",
    "社区能不能组织急救培训 碰到有人倒地都不知道咋弄",
    "刚才闻到煤气味 结果是灶台旋钮没拧到底 关了开窗了",
    "刚刚那股焦味是楼下饭店在熏腊肉 没事",
    "最近小区里有人撬车门 东西被翻乱了",
    "墙裂了条缝 一下雨就往下掉渣 会不会塌",
    "井盖翘起来了 小孩踩翻了就掉下去",
    "刚才说的煤气味 燃气公司来看过了 是下水道的味",
    "这个视频大家都看看 电梯困人千万别自己扒门",
    "我家阳台的花盆也被吹掉一个 幸亏下面没人",
    # stop 33
    "安眠药吃了也睡不着 想去医院开点别的",
    "着火了着火了 我们队要赢了🔥",  # a game
    "刚才那只猫被困在树上 保安已经救下来了",
    "「小李：3栋楼道着火了」 - - - - 已经灭了 消防车都走了",  # the reply's all-clear
    "钱包一转眼没了 谁捡到了说一声",  # a thing, not a person
    "后山天天有人烧垃圾 晚晚都有烟 能不能管下",  # a nuisance every night
    "插座一插就冒火星 能不能找电工来看看",
    "我爸中风后半边身子动不了 社区有上门理发的吗",  # a condition since the stroke, not one now
    "被家暴了能申请人身保护令吗 社区有没有律师能咨询",  # asking the law about it
    "他以前打我的那些事 能当证据吗",
    "打电话没人接 报修一个礼拜了没人来 收物业费倒挺积极",  # an office that does not answer
]


@pytest.mark.parametrize(("text", "kind", "number"), POSITIVES)
def test_danger_now_is_found_and_urgent(text: str, kind: str, number: str) -> None:
    found = danger.check(normalize(text))
    assert found is not None, text
    assert (found.kind, found.number) == (kind, number), (text, found)
    result = nlp.classify(text)
    assert result.intent == "demand" and result.urgency == "urgent", (text, result)
    assert "规则:人身危险" in result.evidence or found.cue in result.evidence


# Look-alikes the model raises (stop 27: a plain leak at 0.46, over the 0.4 threshold; stop 28: a neighbour who
# "seems" not to have been out, 0.45, once "平时" made her routine no longer a habit, which the training files'
# silent doors needed): the danger check stays quiet, the classifier does not. Keeping the model from raising
# anything "好像" lost 11 true emergencies in the training files for 9 false alarms, so it was not done.
# Strict xfail: the test fails the day they are fixed, so the row comes back.
# Read as a fear by its writer ("if a child steps on it, it flips and he falls in"), though 踩翻了就掉下去 can also
# tell what happened; stop 31's retrain (a writer's hundred and seventy weather hazards) puts it at 0.51.
MODEL_FALSE_ALARMS = frozenset({"独居的刘奶奶这两天好像没出门 平时这个点都在楼下遛弯的", "井盖翘起来了 小孩踩翻了就掉下去"})


def known_false_alarm(request: pytest.FixtureRequest, text: str) -> None:
    if text in MODEL_FALSE_ALARMS:
        request.applymarker(pytest.mark.xfail(strict=True, reason="the model raises this look-alike (stop 27)"))


@pytest.mark.parametrize("text", NEGATIVES)
def test_past_pretend_or_no_danger_is_not_urgent(request: pytest.FixtureRequest, text: str) -> None:
    assert danger.check(normalize(text)) is None, (text, danger.check(normalize(text)))
    known_false_alarm(request, text)
    assert nlp.classify(text).urgency != "urgent", (text, nlp.classify(text))


def test_table_sizes() -> None:
    assert len(POSITIVES) >= 60 and len(NEGATIVES) >= 40
    assert {k for _, k, _ in POSITIVES} == {kind for kind, _, _, _ in danger._KINDS}  # every kind has rows


def test_danger_only_raises_urgency() -> None:
    # the lexicon already calls it urgent; the danger check agrees and never takes it away
    assert nlp.classify("楼道里着火了 快来人").urgency == "urgent"
    # a quiet, polite message about a person in danger is still urgent and a demand
    result = nlp.classify("麻烦问一下 我家老人摔倒了起不来 谢谢")
    assert result.intent == "demand" and result.urgency == "urgent"


def test_number_for() -> None:
    assert danger.number_for(normalize("厨房着火了")) == "119"
    assert danger.number_for(normalize("老人晕倒了")) == "120"
    assert danger.number_for(normalize("有人拿着刀")) == "110"
    assert danger.number_for(normalize("路灯坏了")) is None


@pytest.mark.parametrize(("text", "unreal"), [
    ("6号楼电梯又罢工了😤", True),  # a fault that keeps coming back
    ("这两天降温 不知道独居的王奶奶家有没有人去看看", True),  # a worry
    ("差点砸到人", True),
    ("差点砸到人 还在往下扔", False),  # averted once, still going on
    ("小区门口有人倒在地上 不动了", False),
    ("今天天气好 楼下有人倒在地上 不动了", False),  # 今天 + 天气, not 天天 (a habit)
    ("阳台的花盆快掉了 底下老有人过", False),  # people passing below: the exposure, not a habit
    ("老太太割到手了 血流一地 她还说没事", False),  # insisting she is fine is not the all-clear
    ("楼下天天有人烧垃圾", True),
    ("一股烧焦的味道 不知道哪里来的", False),  # where it comes from is unknown, not whether it is real
    ("大树倒了压在岗亭上 里面的保安不知道出来没有", False),
    ("不知道王奶奶最近身体怎么样", True),
    ("每天给独居的爷爷送饭 今天敲门不开 电视开着", False),  # the routine visit makes today's silence alarming
    ("天花板越滴越快 怕是楼上水管爆了", False),  # 怕是: "probably", not a fear
    # stop 32: the past as background, then now ("上周…刚才…")
    ("上个月塌过一次 填了 刚才又陷下去一块 一个骑车的栽进去了", False),
    ("上个月塌过一次 填了 后来就没事", True),
    ("她爸在厨房抽烟 人突然倒了 叫不应", False),  # a person collapsing, not a cigarette's smoke
    ("楼下老有人抽烟 烟都飘我家了", True),
    ("上午坠下来一块瓷砖 差点砸到人 上面还吊着好几块", False),  # averted once, more still hanging
    ("电梯又停了 里面有两个老人在喊", False),  # a fault back again, with people inside
    ("物业说不知道 那老人在地上躺半天了", False),  # someone else's excuse
    ("6号楼正好在风口 树倒了压住一个人", False),  # 正好在 is not 好在
    ("井盖没了 刚才有个老太太差点踩进去", False),  # a near miss just now: the hole is still there
    ("上个月差点踩进去 后来盖上了", True),
    ("她每天早上都下楼买菜 今天到现在门都没开", False),  # a routine broken today
    ("楼上天天拖椅子 今天也是 能不能管管", True),
    ("井盖碎了 天天多少人从这取快递", False),  # people passing, after the habit word
    ("整楼停水两天了 天天三十七八度", False),  # the heat is the habit, not the danger
    ("昨晚那面墙就裂了 今早看已经歪了", False),  # past, then now
    # stop 33
    ("小区门口有个喝多的拿刀对着人 谁在附近", False),  # 附近来 is not 近来 (lately)
    ("娃醒了在爬阳台栏杆 我在外面赶不回去", False),  # awake, and in danger
    ("这回不是演练 真的着了 楼道全是烟", False),  # a drill denied
    ("她打电话哭着说不知道怎么出门了 认不得路", False),  # how, not whether
    ("不知道怎么回事 电梯又坏了", True),
    ("饭店烟道在窜火 上面就是住户", False),  # flames, whatever the everyday source
    ("楼道里有人烧纸 烟感一直在叫", False),  # an alarm sounding
    ("墙裂了 昨晚又塌了一块 老两口还住在里面", False),  # still living there
    ("花盆掉下来一个 差点砸到人 上面还有几盆晃晃悠悠的", False),  # more still swaying
    ("我妈住院了 我爸一个人在家 瘫在床上没人管", False),  # the carer is in hospital, not the one at risk
    ("租客说排风口一直灌烟味 不是抽烟那种 是烧东西的味道", False),  # an everyday source denied
    ("人已经抬出来了 有没有懂急救的快来", False),  # out, and needing first aid
    ("转:帮我邻居发一下 她家水管裂了 屋里水没过脚面了", False),  # relayed for a neighbour, not news
    ("「物业：电梯修好了 大家放心使用」 - - - - 修好个啥 又卡住了 我和我妈在里面", False),  # the quote is disputed
])
def test_what_the_model_may_not_call_an_emergency(text: str, unreal: bool) -> None:
    """danger.unreal: text on which the model's own guess of urgency is not taken (nlp.combine.raise_urgency)."""
    assert danger.unreal(normalize(text)) is unreal


@pytest.mark.parametrize(("text", "over"), [
    ("火已经都灭了", True), ("楼道灯都灭了 黑乎乎的", False),  # lights out is not a fire out
    ("被邻居用湿毛巾捂灭了", True), ("没捂灭 还在烧", False), ("不踩灭就要烧起来", False),
    ("老人醒了", True), ("孩子被吵醒了", False), ("太醒了", False),
    ("人醒了 可是腿动不了", False), ("摔了以后醒了 说下半身没感觉", False),  # awake but cannot move
    ("火扑灭了 现在墙里还往外冒烟", False), ("灭了的火又烧起来了", False),
    ("大的找到了 小的还不见", False), ("早上明明修好了的 又冒火星", False), ("上周不是查过了吗", False),
    ("上周查过了 燃气公司说没问题", True),
])
def test_over_reads_what_comes_before_the_word(text: str, over: bool) -> None:
    """The lookbehinds in danger._OVER sit after the word's first character (a fast scan): same reading."""
    assert danger.over(normalize(text)) is over


@pytest.mark.parametrize(("text", "pretend"), [
    ("不是着火 是在烧纸", True), ("是不是着火了 一股焦味", False),
])
def test_not_a_fire_is_told_from_asking_about_one(text: str, pretend: bool) -> None:
    assert danger.pretend(normalize(text)) is pretend


def test_the_gate_keeps_ordinary_messages_away_from_the_regexes() -> None:
    """The danger regexes run only on a text holding one of each kind's required strings (danger._gate).
    In stop 29 a new pattern keyed the 'fallen' kind on 楼道 and 门口: 545 of the bench's 2,000 template messages
    reached the regexes instead of 310, and classification fell from about 0.65x bare jieba to 0.57x."""
    if danger.standalone_gate() is None:
        pytest.skip("no pyahocorasick: every text runs the regexes")
    from nlp.bench import messages

    gated = 0
    for text in messages():  # a kind's string, not only a pretend or over word, sends a text to the regexes
        gated += any(c < danger.PRETEND * danger._SPAN for _, hit in danger.standalone_gate().iter(normalize(text))
                      for c in hit)
    assert gated <= 360, gated


@pytest.mark.parametrize(("text", "kind"), [
    ("钥匙被锁在屋里了 门打不开", None),  # keys locked in: a locksmith's job (the model may still read it, stop 33: 0.96)
    ("手机被锁在车里了", None),
    ("孩子被锁在屋里了 一直在哭", "child"),
])
def test_what_is_locked_in_decides(text: str, kind: str | None) -> None:
    found = danger.check(normalize(text))
    assert (found.kind if found else None) == kind


def test_a_quoted_all_clear_does_not_make_the_replys_alarm_past() -> None:
    """The tense adjuster asks danger.not_now of the rules' cues: a notice in a pasted quote is what the reply
    disputes ("大家放心" above "又卡住了"), while the reply's own all-clear still counts."""
    disputed = normalize("「李师傅：电梯修好了 大家放心使用」 - - - - 修好个啥 又卡住了 我和我妈在里面")
    assert danger.not_now(disputed, ["卡住"]) is False
    settled = normalize("「小李：3栋楼道着火了」 - - - - 已经灭了 消防车都走了")
    assert danger.not_now(settled, ["着火"]) is True
